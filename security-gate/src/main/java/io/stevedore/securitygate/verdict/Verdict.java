package io.stevedore.securitygate.verdict;

import io.stevedore.securitygate.policy.Finding;
import java.time.Instant;
import java.util.List;

/**
 * The gate's decision on one image under one policy.
 *
 * @param status pass, warn or fail
 * @param key the image digest, policy hash and advisory data version it was computed for
 * @param team the policy's team
 * @param policyVersion the policy's version number
 * @param findings every finding, with its rule and outcome
 * @param notes what could not be examined (skipped files, unreadable versions)
 * @param evaluatedAt when it was computed
 */
public record Verdict(
    Status status,
    VerdictKey key,
    String team,
    int policyVersion,
    List<Finding> findings,
    List<String> notes,
    Instant evaluatedAt) {

  public Verdict {
    findings = List.copyOf(findings);
    notes = List.copyOf(notes);
  }

  /** The decision. */
  public enum Status {
    PASS,
    WARN,
    FAIL
  }

  /** FAIL when any finding fails, WARN when any warns, else PASS. */
  public static Status statusOf(List<Finding> findings) {
    Status s = Status.PASS;
    for (Finding f : findings) {
      if (f.outcome() == Finding.Outcome.FAIL) {
        return Status.FAIL;
      }
      if (f.outcome() == Finding.Outcome.WARN) {
        s = Status.WARN;
      }
    }
    return s;
  }

  public List<Finding> failures() {
    return findings.stream().filter(f -> f.outcome() == Finding.Outcome.FAIL).toList();
  }
}
