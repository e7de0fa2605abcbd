package io.stevedore.securitygate.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.securitygate.advisory.AdvisoryIndex;
import io.stevedore.securitygate.image.Digests;
import io.stevedore.securitygate.image.ImageException;
import io.stevedore.securitygate.image.ImageReader;
import io.stevedore.securitygate.inventory.CycloneDxExporter;
import io.stevedore.securitygate.store.ImageStore;
import io.stevedore.securitygate.store.PolicyStore;
import io.stevedore.securitygate.store.VerdictStore;
import io.stevedore.securitygate.store.VerdictStore.Trigger;
import io.stevedore.securitygate.store.VerdictStore.VerdictRow;
import io.stevedore.securitygate.verdict.SecurityGate;
import io.stevedore.securitygate.verdict.Verdict;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Image to stored verdict. The verdicts table is the cache: a verdict is keyed by (team, image
 * digest, policy hash, advisory data version), and the digest is found from the image's index or
 * manifest alone, so a cached verdict is served without reading any layer.
 */
@ApplicationScoped
public class ScanService {

  private static final Logger LOG = Logger.getLogger(ScanService.class);

  private final SecurityGate gate;
  private final ImageReader reader;
  private final AdvisoryIndex advisories;
  private final PolicyStore policies;
  private final ImageStore images;
  private final VerdictStore verdicts;
  private final Json json;
  private final Clock clock;

  ScanService(
      SecurityGate gate,
      ImageReader reader,
      AdvisoryIndex advisories,
      PolicyStore policies,
      ImageStore images,
      VerdictStore verdicts,
      Json json,
      Clock clock) {
    this.gate = gate;
    this.reader = reader;
    this.advisories = advisories;
    this.policies = policies;
    this.images = images;
    this.verdicts = verdicts;
    this.json = json;
    this.clock = clock;
  }

  /** A stored verdict, and whether this call computed it or found it. */
  public record Outcome(VerdictRow verdict, boolean cached) {}

  /**
   * Decides on the image at {@code path} under the team's latest version of {@code policyName}, or
   * returns the stored verdict for the same key.
   *
   * @param digestPin the digest to pin to, or null to take the only image of the archive
   * @param reference the registry reference, for the registry rule; null when unknown
   * @throws ApiException 404 for an unknown policy, 422 for an unreadable image
   */
  public Outcome scan(
      UUID teamId,
      String teamName,
      String policyName,
      Path path,
      String digestPin,
      String reference,
      Trigger trigger) {
    PolicyService.StoredPolicy policy =
        policies
            .latest(teamId, policyName)
            .map(r -> PolicyService.stored(r, teamName))
            .orElseThrow(() -> ApiException.notFound("policy '" + policyName + "' not found"));
    try {
      if (digestPin != null) {
        Digests.require(digestPin);
      }
      String digest = reader.identify(path, digestPin);
      Optional<VerdictRow> hit =
          verdicts.find(teamId, digest, policy.policy().hash(), advisories.dataVersion());
      if (hit.isPresent()) {
        QuarkusTransaction.requiringNew().run(() -> images.touch(digest, clock.instant()));
        return new Outcome(hit.get(), true);
      }
      long start = System.nanoTime();
      SecurityGate.Result result = gate.evaluateUncached(path, digest, reference, policy.policy());
      Verdict v = result.verdict();
      VerdictRow row =
          new VerdictRow(
              UUID.randomUUID(),
              teamId,
              digest,
              policyName,
              policy.row().version(),
              v.key().policyHash(),
              v.key().advisoryVersion(),
              v.status().name(),
              json.write(v.findings()),
              json.write(v.notes()),
              reference,
              trigger,
              v.evaluatedAt());
      boolean inserted =
          QuarkusTransaction.requiringNew()
              .call(
                  () -> {
                    images.upsert(
                        digest, reference, json.write(result.inventory()), clock.instant());
                    return verdicts.insert(row);
                  });
      LOG.infof(
          "verdict %s for %s under %s v%d (team %s) in %d ms",
          v.status(),
          digest,
          policyName,
          policy.row().version(),
          teamName,
          (System.nanoTime() - start) / 1_000_000);
      if (!inserted) {
        // computed at the same time elsewhere: the stored one is the answer
        return new Outcome(
            verdicts
                .find(teamId, digest, v.key().policyHash(), v.key().advisoryVersion())
                .orElse(row),
            true);
      }
      return new Outcome(row, false);
    } catch (ImageException e) {
      throw unreadable(e);
    }
  }

  /** The 422 problem for an image that cannot be read; no verdict is stored. */
  public static ApiException unreadable(ImageException e) {
    return ApiException.invalid(
        "the image cannot be read: " + e.getMessage(),
        List.of(new Problem.FieldError("image", e.getMessage(), null)));
  }

  /** The team's latest verdict on the image (under the named policy, or any); 404 when none. */
  public VerdictRow latest(UUID teamId, String digest, String policyName) {
    checkDigest(digest);
    return verdicts
        .latest(teamId, digest, policyName)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "no verdict for image "
                        + digest
                        + (policyName == null ? "" : " under policy '" + policyName + "'")));
  }

  /**
   * Whether a stored verdict still holds: computed under the policy's latest version and the
   * current advisory data.
   */
  public boolean current(VerdictRow row) {
    return row.advisoryVersion().equals(advisories.dataVersion())
        && policies
            .latest(row.teamId(), row.policyName())
            .map(p -> p.hash().equals(row.policyHash()))
            .orElse(false);
  }

  /** The image's SBOM, for a team that has a verdict on it (else 404). */
  public String sbom(UUID teamId, String digest) {
    latest(teamId, digest, null);
    return images
        .find(digest)
        .map(i -> CycloneDxExporter.toJson(json.inventory(i.inventoryJson())))
        .orElseThrow(() -> ApiException.notFound("image " + digest + " not found"));
  }

  static void checkDigest(String digest) {
    try {
      Digests.require(digest);
    } catch (ImageException e) {
      throw ApiException.badRequest(
          e.getMessage(), List.of(new Problem.FieldError("digest", e.getMessage(), digest)));
    }
  }
}
