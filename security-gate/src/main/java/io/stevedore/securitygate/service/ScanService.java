package io.stevedore.securitygate.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.securitygate.advisory.AdvisoryIndex;
import io.stevedore.securitygate.advisory.ExternalVulnerability;
import io.stevedore.securitygate.config.SecurityGateConfig;
import io.stevedore.securitygate.image.Digests;
import io.stevedore.securitygate.image.ImageException;
import io.stevedore.securitygate.image.ImageReader;
import io.stevedore.securitygate.inventory.CycloneDxExporter;
import io.stevedore.securitygate.registry.EcrRegistries;
import io.stevedore.securitygate.registry.RegistryClient;
import io.stevedore.securitygate.registry.RegistryReference;
import io.stevedore.securitygate.store.ImageStore;
import io.stevedore.securitygate.store.PolicyStore;
import io.stevedore.securitygate.store.ResolutionStore;
import io.stevedore.securitygate.store.VerdictStore;
import io.stevedore.securitygate.store.VerdictStore.Trigger;
import io.stevedore.securitygate.store.VerdictStore.VerdictRow;
import io.stevedore.securitygate.verdict.SecurityGate;
import io.stevedore.securitygate.verdict.Verdict;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
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
  private final RegistryClient registry;
  private final EcrRegistries ecr;
  private final ResolutionStore resolutions;
  private final SecurityGateConfig config;

  ScanService(
      SecurityGate gate,
      ImageReader reader,
      AdvisoryIndex advisories,
      PolicyStore policies,
      ImageStore images,
      VerdictStore verdicts,
      Json json,
      Clock clock,
      RegistryClient registry,
      EcrRegistries ecr,
      ResolutionStore resolutions,
      SecurityGateConfig config) {
    this.registry = registry;
    this.ecr = ecr;
    this.resolutions = resolutions;
    this.config = config;
    this.gate = gate;
    this.reader = reader;
    this.advisories = advisories;
    this.policies = policies;
    this.images = images;
    this.verdicts = verdicts;
    this.json = json;
    this.clock = clock;
  }

  /**
   * A stored verdict, whether this call computed it or found it, and for a registry image the
   * reference pinned to the digest judged ({@code registry/repo@sha256:...}).
   */
  public record Outcome(VerdictRow verdict, boolean cached, String pinned) {
    public Outcome(VerdictRow verdict, boolean cached) {
      this(verdict, cached, null);
    }
  }

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
    PolicyService.StoredPolicy policy = policy(teamId, teamName, policyName);
    try {
      if (digestPin != null) {
        Digests.require(digestPin);
      }
      String digest = reader.identify(path, digestPin);
      Optional<Outcome> hit = cached(teamId, digest, policy, null);
      if (hit.isPresent()) {
        return hit.get();
      }
      return evaluate(
          teamId, teamName, policy, path, digest, reference, trigger, List.of(), List.of(), null);
    } catch (ImageException e) {
      throw unreadable(e);
    }
  }

  /**
   * Decides on an image in a registry ({@code registry/repo:tag}, {@code registry/repo@digest}).
   * The reference is resolved to a digest once and recorded; after that the recorded digest is
   * used, and a verdict stored for it is answered without contacting the registry.
   *
   * @param digestPin a digest the reference must resolve to, or null
   * @throws ApiException 404 for an unknown policy, 422 for an unreadable image or a registry
   *     failure (no verdict is stored then)
   */
  public Outcome scanReference(
      UUID teamId,
      String teamName,
      String policyName,
      String image,
      String digestPin,
      Trigger trigger) {
    PolicyService.StoredPolicy policy = policy(teamId, teamName, policyName);
    try {
      RegistryReference ref = RegistryReference.parse(image);
      if (digestPin != null) {
        Digests.require(digestPin);
        if (ref.digest() == null) {
          ref = ref.withDigest(digestPin);
        } else if (!ref.digest().equals(digestPin)) {
          throw new ImageException(
              "reference '" + image + "' names another digest than " + digestPin);
        }
      }
      ResolutionStore.ResolutionRow resolution = resolve(ref);
      String digest = resolution.digest();
      String pinned = ref.repositoryPath() + "@" + digest;
      Optional<Outcome> hit = cached(teamId, digest, policy, pinned);
      if (hit.isPresent()) {
        return hit.get();
      }
      Path dir = workDirectory();
      try {
        registry.pull(ref, digest, resolution.indexDigest(), dir);
        List<String> notes = new ArrayList<>();
        List<ExternalVulnerability> external =
            config.ecr().scanFindings() ? ecr.findings(ref, digest, notes) : List.of();
        return evaluate(
            teamId,
            teamName,
            policy,
            dir,
            digest,
            ref.toString(),
            trigger,
            external,
            notes,
            pinned);
      } finally {
        deleteTree(dir);
      }
    } catch (ImageException e) {
      throw unreadable(e);
    }
  }

  /**
   * Judges an image the gate has seen but whose files it no longer has, from its stored inventory:
   * secrets in files and signature findings are carried over from the team's latest verdict on it.
   */
  Outcome judgeStored(
      UUID teamId,
      String teamName,
      PolicyService.StoredPolicy policy,
      ImageStore.ImageRow image,
      Trigger trigger) {
    // signature findings are carried over only from a verdict under the same policy content
    List<io.stevedore.securitygate.policy.Finding> previous =
        verdicts
            .latest(teamId, image.digest(), null)
            .map(
                r ->
                    json.findings(r.findingsJson()).stream()
                        .filter(
                            f ->
                                r.policyHash().equals(policy.policy().hash())
                                    || (f.rule()
                                            != io.stevedore.securitygate.policy.Finding.Rule
                                                .SIGNATURE_VERIFIED
                                        && f.rule()
                                            != io.stevedore.securitygate.policy.Finding.Rule
                                                .SIGNATURE_INVALID
                                        && f.rule()
                                            != io.stevedore.securitygate.policy.Finding.Rule
                                                .SIGNATURE_MISSING))
                        .toList())
            .orElse(List.of());
    Verdict v =
        gate.reevaluate(
            json.inventory(image.inventoryJson()), image.reference(), policy.policy(), previous);
    VerdictRow row =
        new VerdictRow(
            UUID.randomUUID(),
            teamId,
            image.digest(),
            policy.row().name(),
            policy.row().version(),
            v.key().policyHash(),
            v.key().advisoryVersion(),
            v.status().name(),
            json.write(v.findings()),
            json.write(v.notes()),
            image.reference(),
            trigger,
            v.evaluatedAt());
    boolean inserted =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  images.touch(image.digest(), clock.instant());
                  return verdicts.insert(row);
                });
    LOG.infof(
        "verdict %s for %s under %s v%d (team %s) from its stored inventory",
        v.status(), image.digest(), policy.row().name(), policy.row().version(), teamName);
    if (!inserted) {
      return new Outcome(
          verdicts
              .find(teamId, image.digest(), v.key().policyHash(), v.key().advisoryVersion())
              .orElse(row),
          true);
    }
    return new Outcome(row, false);
  }

  /** The recorded resolution of a reference, resolving and recording it the first time. */
  ResolutionStore.ResolutionRow resolve(RegistryReference ref) {
    Optional<ResolutionStore.ResolutionRow> known = resolutions.find(ref);
    if (known.isPresent()) {
      return known.get();
    }
    RegistryClient.Resolution r = registry.resolve(ref);
    ResolutionStore.ResolutionRow row =
        QuarkusTransaction.requiringNew().call(() -> resolutions.record(r, clock.instant()));
    LOG.infof("resolved %s to %s", ref, row.digest());
    return row;
  }

  private static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  LOG.debugf("cannot delete %s: %s", p, e.getMessage());
                }
              });
    } catch (IOException e) {
      LOG.warnf("cannot delete pulled image %s: %s", dir, e.getMessage());
    }
  }

  private Path workDirectory() {
    try {
      Optional<String> base = config.registry().workDirectory();
      if (base.isPresent()) {
        Path p = Path.of(base.get());
        Files.createDirectories(p);
        return Files.createTempDirectory(p, "pull-");
      }
      return Files.createTempDirectory("stevedore-pull-");
    } catch (IOException e) {
      throw new ImageException("cannot create a directory for the pull: " + e.getMessage(), e);
    }
  }

  PolicyService.StoredPolicy policy(UUID teamId, String teamName, String policyName) {
    return policies
        .latest(teamId, policyName)
        .map(r -> PolicyService.stored(r, teamName))
        .orElseThrow(() -> ApiException.notFound("policy '" + policyName + "' not found"));
  }

  /** The verdict stored for this key, if any (the image marked seen). */
  Optional<Outcome> cached(
      UUID teamId, String digest, PolicyService.StoredPolicy policy, String pinned) {
    Optional<VerdictRow> hit =
        verdicts.find(teamId, digest, policy.policy().hash(), advisories.dataVersion());
    if (hit.isEmpty()) {
      return Optional.empty();
    }
    QuarkusTransaction.requiringNew().run(() -> images.touch(digest, clock.instant()));
    return Optional.of(new Outcome(hit.get(), true, pinned));
  }

  private Outcome evaluate(
      UUID teamId,
      String teamName,
      PolicyService.StoredPolicy policy,
      Path path,
      String digest,
      String reference,
      Trigger trigger,
      List<ExternalVulnerability> external,
      List<String> extraNotes,
      String pinned) {
    String policyName = policy.row().name();
    long start = System.nanoTime();
    SecurityGate.Result result =
        gate.evaluateUncached(path, digest, reference, policy.policy(), external);
    Verdict v = result.verdict();
    List<String> notes = new ArrayList<>(v.notes());
    notes.addAll(extraNotes);
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
            json.write(notes),
            reference,
            trigger,
            v.evaluatedAt());
    boolean inserted =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  images.upsert(digest, reference, json.write(result.inventory()), clock.instant());
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
          true,
          pinned);
    }
    return new Outcome(row, false, pinned);
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
