package io.stevedore.securitygate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.stevedore.securitygate.policy.Finding;
import java.time.Instant;
import java.util.List;

/** What the gate's API returns. */
final class Dtos {

  private Dtos() {}

  /**
   * A verdict.
   *
   * @param cached true when this answer is a verdict stored earlier for the same image, policy
   *     content and advisory data (no layer was read)
   * @param current whether it still holds: computed under the policy's latest version and the
   *     current advisory data
   */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record VerdictDto(
      String id,
      String digest,
      String verdict,
      Boolean cached,
      boolean current,
      String policy,
      int policyVersion,
      String policyHash,
      String advisoryVersion,
      String reference,
      String trigger,
      Instant evaluatedAt,
      List<Finding> findings,
      List<String> notes) {}

  /** The findings of the latest verdict on an image. */
  @RegisterForReflection
  record FindingsDto(
      String digest,
      String verdict,
      String policy,
      int policyVersion,
      Instant evaluatedAt,
      List<Finding> findings) {}

  /** A policy version. */
  @RegisterForReflection
  record PolicyDto(
      String name, int version, String hash, Instant createdAt, boolean changed, String yaml) {}

  /** An advisory import. */
  @RegisterForReflection
  record ImportDto(
      String id,
      Instant importedAt,
      String source,
      int inserted,
      int updated,
      int unchanged,
      List<String> problems,
      String previousDataVersion,
      String dataVersion,
      int advisories) {}

  /** The advisory database as this instance holds it. */
  @RegisterForReflection
  record AdvisoryStatusDto(int advisories, String dataVersion) {}

  /** The admission request of the orchestrator's hook. */
  @RegisterForReflection
  record AdmissionRequest(String image, String team, String policy) {}

  /**
   * The gate's answer to an admission request (flat, as the orchestrator's hook reads it).
   *
   * @param image the image asked about
   * @param digest the image manifest digest judged
   * @param pinned the reference pinned to that digest, for a registry image: launch this
   * @param verdict {@code PASS}, {@code WARN} or {@code FAIL}
   * @param allowed whether the launch may go ahead under the configured enforcement
   * @param enforcement {@code enforce}, {@code warn} or {@code off}
   * @param cached whether the verdict was found rather than computed by this request
   * @param verdictId the stored verdict ({@code GET /api/v1/verdicts/{digest}})
   * @param findings every finding, with its rule and outcome
   * @param notes what could not be examined
   */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record AdmissionDto(
      String image,
      String digest,
      String pinned,
      String verdict,
      boolean allowed,
      String enforcement,
      boolean cached,
      String policy,
      int policyVersion,
      String policyHash,
      String advisoryVersion,
      String verdictId,
      String trigger,
      Instant evaluatedAt,
      List<Finding> findings,
      List<String> notes) {}

  /** A scan of a registry image. */
  @RegisterForReflection
  record ScanRequest(String image, String policy, String digest) {}
}
