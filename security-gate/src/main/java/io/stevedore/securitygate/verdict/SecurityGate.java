package io.stevedore.securitygate.verdict;

import io.stevedore.securitygate.advisory.AdvisoryIndex;
import io.stevedore.securitygate.advisory.AdvisoryMatcher;
import io.stevedore.securitygate.advisory.ExternalVulnerability;
import io.stevedore.securitygate.advisory.VulnerabilityMatch;
import io.stevedore.securitygate.image.FileSelector;
import io.stevedore.securitygate.image.ImageContents;
import io.stevedore.securitygate.image.ImageLimits;
import io.stevedore.securitygate.image.ImageReader;
import io.stevedore.securitygate.inventory.Inventory;
import io.stevedore.securitygate.inventory.InventoryBuilder;
import io.stevedore.securitygate.policy.Finding;
import io.stevedore.securitygate.policy.Policy;
import io.stevedore.securitygate.policy.PolicyEngine;
import io.stevedore.securitygate.policy.SignatureVerifier;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Image to verdict: read the image, take its inventory, match advisories, apply the policy. A
 * verdict is cached under (image digest, policy hash, advisory data version), so a pinned image is
 * read again only once the policy or the advisories change.
 *
 * <p>An unreadable image ends in an {@link io.stevedore.securitygate.image.ImageException} and no
 * verdict.
 */
public final class SecurityGate {

  private final ImageReader reader;
  private final InventoryBuilder inventories;
  private final AdvisoryIndex advisories;
  private final AdvisoryMatcher matcher;
  private final PolicyEngine engine;
  private final VerdictCache cache;
  private final Clock clock;
  private final Function<String, Optional<String>> signingKeys;

  public SecurityGate(
      ImageLimits limits, AdvisoryIndex advisories, VerdictCache cache, Clock clock) {
    this(limits, advisories, cache, clock, name -> Optional.empty());
  }

  /**
   * @param signingKeys PEM public keys by name, for policies that name their key by {@code keyRef}
   */
  public SecurityGate(
      ImageLimits limits,
      AdvisoryIndex advisories,
      VerdictCache cache,
      Clock clock,
      Function<String, Optional<String>> signingKeys) {
    this.signingKeys = signingKeys;
    this.reader = new ImageReader(limits);
    this.inventories = new InventoryBuilder(limits.maxJarBytes());
    this.advisories = advisories;
    this.matcher = new AdvisoryMatcher(advisories);
    this.engine = new PolicyEngine(clock);
    this.cache = cache;
    this.clock = clock;
  }

  /** What one evaluation produced: the verdict, and the inventory when the image was read. */
  public record Result(Verdict verdict, Inventory inventory, boolean cached) {}

  /**
   * Decides on the image at {@code path}.
   *
   * @param path an OCI layout (directory or tar) or a {@code docker save} tar
   * @param digest the digest the image is pinned to; null to take the only image (then the cache is
   *     consulted only after reading)
   * @param reference the registry reference, for the registry rule; null when unknown
   * @param policy the policy to apply
   */
  public Result evaluate(Path path, String digest, String reference, Policy policy) {
    if (digest != null) {
      VerdictKey key = new VerdictKey(digest, policy.hash(), advisories.dataVersion());
      var hit = cache.get(key);
      if (hit.isPresent()) {
        return new Result(hit.get(), null, true);
      }
    }
    ImageContents image = reader.read(path, digest);
    Inventory inventory = inventories.build(image);
    return new Result(decide(image, inventory, reference, policy), inventory, false);
  }

  /**
   * Reads an image and takes its inventory, without deciding (for callers with their own cache).
   */
  public Result read(Path path, String digest) {
    ImageContents image = reader.read(path, digest);
    return new Result(null, inventories.build(image), false);
  }

  /** Reads and decides, bypassing the cache lookup; the verdict is cached. */
  public Result evaluateUncached(Path path, String digest, String reference, Policy policy) {
    return evaluateUncached(path, digest, reference, policy, List.of());
  }

  /**
   * Reads and decides with another scanner's reports merged in, bypassing the cache lookup; the
   * verdict is cached.
   */
  public Result evaluateUncached(
      Path path,
      String digest,
      String reference,
      Policy policy,
      List<ExternalVulnerability> external) {
    ImageContents image = reader.read(path, digest);
    Inventory inventory = inventories.build(image);
    return new Result(decide(image, inventory, reference, policy, external), inventory, false);
  }

  /**
   * Decides again from a stored inventory, as after new advisories arrive: the image's files are
   * not kept, so findings about secrets in files are carried over from {@code previous}; every
   * other rule is evaluated afresh.
   */
  public Verdict reevaluate(
      Inventory inventory, String reference, Policy policy, List<Finding> previous) {
    String advisoryVersion = advisories.dataVersion();
    List<String> notes = new ArrayList<>(inventory.notes());
    List<VulnerabilityMatch> matches = matcher.match(inventory, notes);
    List<Finding> findings =
        new ArrayList<>(engine.evaluate(policy, reference, inventory, matches, Map.of()));
    if (policy.secrets().files()) {
      previous.stream().filter(f -> f.rule() == Finding.Rule.SECRET_IN_FILE).forEach(findings::add);
    }
    if (policy.signature() != null) {
      List<Finding> signatures =
          previous.stream().filter(SecurityGate::isSignatureFinding).toList();
      if (signatures.isEmpty()) {
        // the image's files are not kept: a signature never examined under this policy fails
        findings.add(
            new Finding(
                Finding.Rule.SIGNATURE_INVALID,
                Finding.Outcome.FAIL,
                inventory.imageDigest(),
                "the image's signatures were not examined under this policy (its files are not"
                    + " kept); scan the image again",
                null,
                List.of(),
                null,
                null));
      } else {
        findings.addAll(signatures);
      }
    }
    // another scanner's reports are not re-fetched by a rescan: they are carried over
    previous.stream()
        .filter(f -> f.rule() == Finding.Rule.VULNERABILITY && f.subject().startsWith("ecr:"))
        .forEach(findings::add);
    Verdict verdict =
        new Verdict(
            Verdict.statusOf(findings),
            new VerdictKey(inventory.imageDigest(), policy.hash(), advisoryVersion),
            policy.team(),
            policy.version(),
            findings,
            notes,
            clock.instant());
    cache.put(verdict);
    return verdict;
  }

  private static boolean isSignatureFinding(Finding f) {
    return f.rule() == Finding.Rule.SIGNATURE_MISSING
        || f.rule() == Finding.Rule.SIGNATURE_INVALID
        || f.rule() == Finding.Rule.SIGNATURE_VERIFIED;
  }

  /** Decides on an image already read, and caches the verdict. */
  public Verdict decide(ImageContents image, Inventory inventory, String reference, Policy policy) {
    return decide(image, inventory, reference, policy, List.of());
  }

  /**
   * Decides on an image already read, with vulnerabilities another scanner reported merged in, and
   * caches the verdict.
   */
  public Verdict decide(
      ImageContents image,
      Inventory inventory,
      String reference,
      Policy policy,
      List<ExternalVulnerability> external) {
    String advisoryVersion = advisories.dataVersion();
    List<String> notes = new ArrayList<>(inventory.notes());
    List<VulnerabilityMatch> matches = matcher.match(inventory, notes);
    Map<String, byte[]> scan = new TreeMap<>();
    image
        .files()
        .forEach(
            (p, bytes) -> {
              if (FileSelector.purpose(p) == FileSelector.Purpose.SCAN) {
                scan.put(p, bytes);
              }
            });
    List<Finding> findings =
        new ArrayList<>(engine.evaluate(policy, reference, inventory, matches, scan));
    findings.addAll(engine.external(policy, external, findings));
    List<String> digests = new ArrayList<>();
    digests.add(image.digest());
    if (image.indexDigest() != null) {
      digests.add(image.indexDigest());
    }
    findings.addAll(SignatureVerifier.check(policy, digests, image.signatures(), signingKeys));
    Verdict verdict =
        new Verdict(
            Verdict.statusOf(findings),
            new VerdictKey(image.digest(), policy.hash(), advisoryVersion),
            policy.team(),
            policy.version(),
            findings,
            notes,
            clock.instant());
    cache.put(verdict);
    return verdict;
  }
}
