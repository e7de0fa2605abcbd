package io.stevedore.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.util.Optional;

/**
 * How the orchestrator reaches the AWS APIs that have no Quarkus extension (ECS), prefix {@code
 * stevedore.aws}. In AWS nothing needs setting: the default credentials chain and the real
 * endpoints are used.
 */
@ConfigMapping(prefix = "stevedore.aws")
public interface AwsConfig {

  /** An endpoint that replaces AWS's (moto in tests, a local emulator); empty in AWS. */
  Optional<URI> endpointOverride();

  /** Static credentials: the access key id (with the secret); empty for the default chain. */
  Optional<String> accessKeyId();

  /** Static credentials: the secret access key. Never logged. */
  Optional<String> secretAccessKey();

  /** The region when the service's own setting names none. */
  @WithDefault("us-east-1")
  String region();
}
