package io.stevedore.common.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * An image to scan, from an ECR push event or the gate's API.
 *
 * @param image the image reference (repository and tag)
 * @param digest the image digest ({@code sha256:...}), when known
 * @param requestedBy who asked: {@code ecr-push}, a team name, or {@code orchestrator}
 * @param policy the policy to decide by, or null for the team's default policy
 * @param at when it was asked
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageScanRequest(
    String image, String digest, String requestedBy, String policy, Instant at)
    implements MessageContract {

  public static final String TYPE = "image-scan";
  public static final int VERSION = 1;

  @Override
  public String contractType() {
    return TYPE;
  }

  @Override
  public int contractVersion() {
    return VERSION;
  }
}
