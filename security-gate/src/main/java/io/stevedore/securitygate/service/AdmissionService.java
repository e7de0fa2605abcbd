package io.stevedore.securitygate.service;

import io.stevedore.common.http.ApiException;
import io.stevedore.securitygate.config.SecurityGateConfig;
import io.stevedore.securitygate.registry.RegistryReference;
import io.stevedore.securitygate.store.ImageStore;
import io.stevedore.securitygate.store.VerdictStore.Trigger;
import io.stevedore.securitygate.verdict.Verdict;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Admission decisions for the orchestrator: the verdict on an image under a team's policy, and
 * whether {@code stevedore.security-gate.enforcement} lets it launch.
 */
@ApplicationScoped
public class AdmissionService {

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  private final ScanService scans;
  private final ImageStore images;
  private final SecurityGateConfig config;

  AdmissionService(ScanService scans, ImageStore images, SecurityGateConfig config) {
    this.scans = scans;
    this.images = images;
    this.config = config;
  }

  /**
   * A decision.
   *
   * @param outcome the verdict and whether it was cached
   * @param allowed false only when enforcement is {@code enforce} and the verdict fails
   * @param enforcement the enforcement it was decided under
   */
  public record Admission(
      ScanService.Outcome outcome, boolean allowed, SecurityGateConfig.Enforcement enforcement) {}

  /**
   * Decides on {@code image} (a registry reference or a bare digest) under {@code policyName}, or
   * the configured default policy when null.
   *
   * @throws ApiException 404 for an unknown policy or a digest the gate has never seen, 422 for an
   *     image that cannot be pulled or read
   */
  public Admission admit(UUID teamId, String teamName, String image, String policyName) {
    String policy = policyName != null ? policyName : config.defaultPolicy();
    ScanService.Outcome outcome;
    if (DIGEST.matcher(image).matches()) {
      outcome = byDigest(teamId, teamName, image, policy);
    } else {
      outcome = scans.scanReference(teamId, teamName, policy, image, null, Trigger.ADMISSION);
    }
    SecurityGateConfig.Enforcement enforcement = config.enforcement();
    boolean fails = Verdict.Status.FAIL.name().equals(outcome.verdict().verdict());
    return new Admission(
        outcome, !(fails && enforcement == SecurityGateConfig.Enforcement.ENFORCE), enforcement);
  }

  private ScanService.Outcome byDigest(
      UUID teamId, String teamName, String digest, String policyName) {
    PolicyService.StoredPolicy policy = scans.policy(teamId, teamName, policyName);
    Optional<ScanService.Outcome> hit = scans.cached(teamId, digest, policy, null);
    if (hit.isPresent()) {
      return hit.get();
    }
    Optional<ImageStore.ImageRow> known = images.find(digest);
    if (known.isPresent()
        && known.get().reference() != null
        && RegistryReference.isRegistryReference(known.get().reference())) {
      String pinned =
          RegistryReference.parse(known.get().reference()).repositoryPath() + "@" + digest;
      return scans.scanReference(teamId, teamName, policyName, pinned, null, Trigger.ADMISSION);
    }
    if (known.isPresent()) {
      return scans.judgeStored(teamId, teamName, policy, known.get(), Trigger.ADMISSION);
    }
    throw ApiException.notFound(
        "image "
            + digest
            + " is not known to the gate: scan it first (POST /api/v1/scans) or give its registry"
            + " reference");
  }
}
