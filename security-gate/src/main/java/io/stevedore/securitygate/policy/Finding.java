package io.stevedore.securitygate.policy;

import io.stevedore.securitygate.advisory.Severity;
import java.util.List;

/**
 * One thing the policy found, the rule it concerns, and what it does to the verdict.
 *
 * @param rule the rule
 * @param outcome whether it fails the image, warns, or is recorded for the explanation only
 * @param subject what it is about: a package URL, an env var name, a label, a file path
 * @param message a sentence saying what was found and why it counts
 * @param advisoryId the advisory, for vulnerability findings; otherwise null
 * @param cves the CVE ids of the advisory, empty otherwise
 * @param severity the severity counted, for vulnerability findings; otherwise null
 * @param fixedVersion the version that fixes it, when known
 */
public record Finding(
    Rule rule,
    Outcome outcome,
    String subject,
    String message,
    String advisoryId,
    List<String> cves,
    Severity severity,
    String fixedVersion) {

  public Finding {
    cves = List.copyOf(cves);
  }

  static Finding of(Rule rule, Outcome outcome, String subject, String message) {
    return new Finding(rule, outcome, subject, message, null, List.of(), null, null);
  }

  /** Policy rules. */
  public enum Rule {
    /** A vulnerable package at or above the policy's severity. */
    VULNERABILITY,
    /** A vulnerability accepted by an unexpired allow-list entry. */
    ALLOW_LIST,
    /** An allow-list entry that has expired. */
    ALLOW_LIST_EXPIRED,
    /** The image runs as root. */
    RUN_AS_ROOT,
    /** A secret in the image's environment. */
    SECRET_IN_ENV,
    /** A secret in the image's labels. */
    SECRET_IN_LABEL,
    /** A secret in a file of the image. */
    SECRET_IN_FILE,
    /** The image comes from a registry the policy does not allow. */
    REGISTRY_NOT_ALLOWED,
    /** A label the policy requires is missing. */
    REQUIRED_LABEL_MISSING,
    /** The policy requires a cosign signature and the image has none. */
    SIGNATURE_MISSING,
    /** The image's cosign signatures do not verify with the policy's key. */
    SIGNATURE_INVALID,
    /** A cosign signature verified with the policy's key (for the explanation). */
    SIGNATURE_VERIFIED
  }

  /** What a finding does to the verdict. */
  public enum Outcome {
    FAIL,
    WARN,
    INFO
  }
}
