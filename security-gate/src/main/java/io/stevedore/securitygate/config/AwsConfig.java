package io.stevedore.securitygate.config;

import io.smallrye.config.ConfigMapping;
import java.net.URI;
import java.util.Optional;

/**
 * How the gate reaches ECR (prefix {@code stevedore.aws}, the same keys the orchestrator reads). In
 * AWS nothing needs setting: the default credentials chain, the real endpoints, and the region
 * named by each ECR registry's host.
 */
@ConfigMapping(prefix = "stevedore.aws")
public interface AwsConfig {

  /** An endpoint that replaces AWS's (moto in tests, a local emulator); empty in AWS. */
  Optional<URI> endpointOverride();

  /** Static credentials: the access key id (with the secret); empty for the default chain. */
  Optional<String> accessKeyId();

  /** Static credentials: the secret access key. Never logged. */
  Optional<String> secretAccessKey();
}
