package io.stevedore.securitygate.messaging;

import io.stevedore.common.auth.ApiKeys;
import io.stevedore.common.contract.ImageScanRequest;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.messaging.IncomingMessage;
import io.stevedore.common.messaging.QueueConsumer;
import io.stevedore.securitygate.config.SecurityGateConfig;
import io.stevedore.securitygate.registry.RegistryReference;
import io.stevedore.securitygate.service.ScanService;
import io.stevedore.securitygate.store.VerdictStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Scans images named on the {@code image-scans} queue ({@link ImageScanRequest}) and stores their
 * verdicts. {@code image} is a registry reference ({@code registry/repo:tag} or {@code
 * registry/repo@sha256:...}), pulled over the registry HTTP API v2, or a local path or {@code
 * file:} URI of an OCI layout (directory or tar) or a {@code docker save} tar. {@code requestedBy}
 * names the team; the policy is the request's {@code policy}, else the message attribute {@value
 * #POLICY_ATTRIBUTE}, else {@code stevedore.security-gate.default-policy}.
 *
 * <p>A request that cannot succeed (unknown team or policy, no such file, unreadable image) throws:
 * it is retried, then dead-lettered with its reason in {@code jobs.message_failures}.
 */
@ApplicationScoped
public class ImageScanConsumer implements QueueConsumer {

  private static final Logger LOG = Logger.getLogger(ImageScanConsumer.class);

  /** Message attribute naming the policy to apply. */
  public static final String POLICY_ATTRIBUTE = "stevedore-policy";

  private final ScanService scans;
  private final ApiKeys teams;
  private final SecurityGateConfig config;

  ImageScanConsumer(ScanService scans, ApiKeys teams, SecurityGateConfig config) {
    this.scans = scans;
    this.teams = teams;
    this.config = config;
  }

  @Override
  public String queue() {
    return Queues.IMAGE_SCANS;
  }

  @Override
  public void handle(IncomingMessage message) {
    ImageScanRequest request = message.as(ImageScanRequest.class);
    if (request.image() == null || request.image().isBlank()) {
      throw new IllegalArgumentException(message + ": 'image' is required");
    }
    if (request.requestedBy() == null || request.requestedBy().isBlank()) {
      throw new IllegalArgumentException(message + ": 'requestedBy' (a team name) is required");
    }
    ApiKeys.Team team = teams.team(request.requestedBy());
    String policy =
        request.policy() != null && !request.policy().isBlank()
            ? request.policy()
            : message.attributes().getOrDefault(POLICY_ATTRIBUTE, config.defaultPolicy());
    String digest =
        request.digest() == null || request.digest().isBlank() ? null : request.digest();
    ScanService.Outcome outcome =
        RegistryReference.isRegistryReference(request.image())
            ? scans.scanReference(
                team.id(), team.name(), policy, request.image(), digest, VerdictStore.Trigger.QUEUE)
            : scans.scan(
                team.id(),
                team.name(),
                policy,
                localPath(request.image()),
                digest,
                null,
                VerdictStore.Trigger.QUEUE);
    LOG.infof(
        "%s: %s %s under %s v%d%s",
        message,
        outcome.verdict().imageDigest(),
        outcome.verdict().verdict(),
        policy,
        outcome.verdict().policyVersion(),
        outcome.cached() ? " (cached)" : "");
  }

  static Path localPath(String image) {
    Path path;
    if (image.startsWith("file:")) {
      path = Path.of(URI.create(image));
    } else if (image.startsWith("/")) {
      path = Path.of(image);
    } else {
      throw new IllegalArgumentException("image '" + image + "' is not a local path or file: URI");
    }
    if (!Files.exists(path)) {
      throw new IllegalArgumentException("image '" + image + "' does not exist");
    }
    return path;
  }
}
