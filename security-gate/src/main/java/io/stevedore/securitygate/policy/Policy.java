package io.stevedore.securitygate.policy;

import io.stevedore.securitygate.advisory.Severity;
import java.time.Instant;
import java.util.List;

/**
 * One team's security policy for images, as parsed from YAML (see {@link PolicyParser}).
 *
 * @param team the owning team
 * @param version the version the author gave, 0 when none
 * @param hash sha256 over the policy's canonical content; identifies it in verdict cache keys
 * @param failAt the lowest vulnerability severity that fails an image
 * @param warnAt the lowest severity that warns, below {@code failAt}; null for none
 * @param onlyFixed when true, a vulnerability without a fix warns instead of failing
 * @param unknownSeverityAs the severity assumed for advisories that state none
 * @param allowList accepted vulnerabilities, each until an expiry
 * @param forbidRoot whether running as root fails the image
 * @param secrets where to look for secrets
 * @param allowedRegistries registry/repository prefixes images may come from; empty for any
 * @param requiredLabels labels every image must carry
 * @param signature the cosign signature the image must carry, or null when none is required
 */
public record Policy(
    String team,
    int version,
    String hash,
    Severity failAt,
    Severity warnAt,
    boolean onlyFixed,
    Severity unknownSeverityAs,
    List<AllowListEntry> allowList,
    boolean forbidRoot,
    SecretScan secrets,
    List<String> allowedRegistries,
    List<String> requiredLabels,
    Signature signature) {

  public Policy {
    allowList = List.copyOf(allowList);
    allowedRegistries = List.copyOf(allowedRegistries);
    requiredLabels = List.copyOf(requiredLabels);
  }

  /** A policy that requires no signature. */
  public Policy(
      String team,
      int version,
      String hash,
      Severity failAt,
      Severity warnAt,
      boolean onlyFixed,
      Severity unknownSeverityAs,
      List<AllowListEntry> allowList,
      boolean forbidRoot,
      SecretScan secrets,
      List<String> allowedRegistries,
      List<String> requiredLabels) {
    this(
        team,
        version,
        hash,
        failAt,
        warnAt,
        onlyFixed,
        unknownSeverityAs,
        allowList,
        forbidRoot,
        secrets,
        allowedRegistries,
        requiredLabels,
        null);
  }

  /** The same policy numbered {@code number}. */
  public Policy withVersion(int number) {
    return new Policy(
        team,
        number,
        hash,
        failAt,
        warnAt,
        onlyFixed,
        unknownSeverityAs,
        allowList,
        forbidRoot,
        secrets,
        allowedRegistries,
        requiredLabels,
        signature);
  }

  /**
   * The cosign signature an image must carry: verified with {@code publicKey} (PEM, ECDSA P-256),
   * or with the key configured under {@code keyRef} ({@code
   * stevedore.security-gate.signing-keys.<keyRef>}). Exactly one is set.
   *
   * @param publicKey the PEM public key, or null
   * @param keyRef the name of a configured key, or null
   */
  public record Signature(String publicKey, String keyRef) {}

  /**
   * An accepted vulnerability.
   *
   * @param id an advisory id or alias (usually a CVE id)
   * @param expires when the acceptance ends
   * @param justification why it is accepted
   */
  public record AllowListEntry(String id, Instant expires, String justification) {}

  /** Which places the secret scan covers. */
  public record SecretScan(boolean env, boolean labels, boolean files) {}
}
