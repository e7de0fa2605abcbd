package io.stevedore.securitygate.policy;

import io.stevedore.securitygate.advisory.ExternalVulnerability;
import io.stevedore.securitygate.advisory.Severity;
import io.stevedore.securitygate.advisory.VulnerabilityMatch;
import io.stevedore.securitygate.image.ImageConfig;
import io.stevedore.securitygate.inventory.Inventory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Applies a {@link Policy} to what is known of an image, producing every finding. */
public final class PolicyEngine {

  private final Clock clock;

  public PolicyEngine(Clock clock) {
    this.clock = clock;
  }

  /**
   * Evaluates every rule.
   *
   * @param policy the policy
   * @param imageReference where the image comes from ({@code registry/repo[:tag][@digest]}), or
   *     null when unknown (a file on disk)
   * @param inventory the image's inventory (config included)
   * @param matches vulnerabilities found in it
   * @param scanFiles text files to scan for secrets, by path
   */
  public List<Finding> evaluate(
      Policy policy,
      String imageReference,
      Inventory inventory,
      List<VulnerabilityMatch> matches,
      Map<String, byte[]> scanFiles) {
    List<Finding> out = new ArrayList<>();
    vulnerabilities(policy, matches, out);
    ImageConfig config = inventory.config();
    if (config.runsAsRoot()) {
      String user =
          config.user().isEmpty() ? "no user (root by default)" : "user '" + config.user() + "'";
      out.add(
          Finding.of(
              Finding.Rule.RUN_AS_ROOT,
              policy.forbidRoot() ? Finding.Outcome.FAIL : Finding.Outcome.INFO,
              "config.User",
              "the image runs as root: its config names " + user));
    }
    secrets(policy, config, scanFiles, out);
    registries(policy, imageReference, out);
    for (String label : policy.requiredLabels()) {
      String value = config.labels().get(label);
      if (value == null || value.isBlank()) {
        out.add(
            Finding.of(
                Finding.Rule.REQUIRED_LABEL_MISSING,
                Finding.Outcome.FAIL,
                label,
                "the policy requires label '" + label + "', which the image does not carry"));
      }
    }
    return out;
  }

  /**
   * Judges vulnerabilities reported by another scanner (ECR) by the policy's thresholds and
   * allow-list. One whose id the gate's own findings already name is left out. An external report
   * states no fix, so under {@code onlyFixed} it warns at most.
   */
  public List<Finding> external(
      Policy policy, List<ExternalVulnerability> reported, List<Finding> existing) {
    Set<String> known = new HashSet<>();
    for (Finding f : existing) {
      if (f.advisoryId() != null) {
        known.add(f.advisoryId());
      }
      known.addAll(f.cves());
    }
    Instant now = clock.instant();
    List<Finding> out = new ArrayList<>();
    for (ExternalVulnerability v : reported) {
      if (!known.add(v.id() + "|" + v.subject()) || known.contains(v.id())) {
        continue;
      }
      Severity counted =
          v.severity() == Severity.UNKNOWN ? policy.unknownSeverityAs() : v.severity();
      String what =
          v.id()
              + " reported by "
              + v.source()
              + " scan"
              + (v.packageName().isEmpty()
                  ? ""
                  : " in " + v.packageName() + " " + v.packageVersion())
              + "; severity "
              + level(counted);
      List<String> cves = v.id().startsWith("CVE-") ? List.of(v.id()) : List.of();
      Policy.AllowListEntry allowed =
          policy.allowList().stream()
              .filter(e -> e.id().equals(v.id()) && now.isBefore(e.expires()))
              .findFirst()
              .orElse(null);
      if (allowed != null) {
        out.add(
            new Finding(
                Finding.Rule.ALLOW_LIST,
                Finding.Outcome.INFO,
                v.subject(),
                what + "; accepted until " + allowed.expires() + ": " + allowed.justification(),
                v.id(),
                cves,
                counted,
                null));
        continue;
      }
      Finding.Outcome outcome;
      String why;
      if (counted.compareTo(policy.failAt()) >= 0) {
        if (policy.onlyFixed()) {
          outcome = Finding.Outcome.WARN;
          why = "; at or above " + level(policy.failAt()) + " but no fix is reported";
        } else {
          outcome = Finding.Outcome.FAIL;
          why = "; at or above the policy's " + level(policy.failAt());
        }
      } else if (policy.warnAt() != null && counted.compareTo(policy.warnAt()) >= 0) {
        outcome = Finding.Outcome.WARN;
        why = "; below " + level(policy.failAt()) + ", at or above " + level(policy.warnAt());
      } else {
        outcome = Finding.Outcome.INFO;
        why = "; below the policy's " + level(policy.failAt());
      }
      out.add(
          new Finding(
              Finding.Rule.VULNERABILITY,
              outcome,
              v.subject(),
              what + why,
              v.id(),
              cves,
              counted,
              null));
    }
    return out;
  }

  private void vulnerabilities(Policy policy, List<VulnerabilityMatch> matches, List<Finding> out) {
    Instant now = clock.instant();
    Set<String> expiredReported = new HashSet<>();
    for (VulnerabilityMatch m : matches) {
      Severity stated = m.advisory().severity();
      Severity counted = stated == Severity.UNKNOWN ? policy.unknownSeverityAs() : stated;
      List<String> ids = new ArrayList<>();
      ids.add(m.advisory().id());
      ids.addAll(m.advisory().aliases());
      String subject = m.component().purl();
      String what =
          m.advisory().id()
              + (m.advisory().cveIds().isEmpty()
                  ? ""
                  : " (" + String.join(", ", m.advisory().cveIds()) + ")")
              + " affects "
              + m.packageName()
              + " "
              + m.installedVersion()
              + " in "
              + m.component().location()
              + "; severity "
              + counted.name().toLowerCase(Locale.ROOT)
              + (stated == Severity.UNKNOWN ? " (assumed: the advisory gives none)" : "")
              + (m.fixAvailable() ? "; fixed in " + m.fixedVersion() : "; no fix available");
      Policy.AllowListEntry allowed = null;
      Policy.AllowListEntry expired = null;
      for (Policy.AllowListEntry e : policy.allowList()) {
        if (ids.contains(e.id())) {
          if (now.isBefore(e.expires())) {
            allowed = e;
          } else {
            expired = e;
          }
        }
      }
      if (allowed != null) {
        out.add(
            vuln(
                Finding.Rule.ALLOW_LIST,
                Finding.Outcome.INFO,
                subject,
                what + "; accepted until " + allowed.expires() + ": " + allowed.justification(),
                m,
                counted));
        continue;
      }
      if (expired != null && expiredReported.add(expired.id())) {
        out.add(
            Finding.of(
                Finding.Rule.ALLOW_LIST_EXPIRED,
                Finding.Outcome.WARN,
                expired.id(),
                "the allow-list entry for "
                    + expired.id()
                    + " expired at "
                    + expired.expires()
                    + " ("
                    + expired.justification()
                    + "); it no longer applies"));
      }
      Finding.Outcome outcome;
      String why;
      if (counted.compareTo(policy.failAt()) >= 0) {
        if (policy.onlyFixed() && !m.fixAvailable()) {
          outcome = Finding.Outcome.WARN;
          why =
              "; at or above " + level(policy.failAt()) + " but the policy fails only fixable ones";
        } else {
          outcome = Finding.Outcome.FAIL;
          why = "; at or above the policy's " + level(policy.failAt());
        }
      } else if (policy.warnAt() != null && counted.compareTo(policy.warnAt()) >= 0) {
        outcome = Finding.Outcome.WARN;
        why = "; below " + level(policy.failAt()) + ", at or above " + level(policy.warnAt());
      } else {
        outcome = Finding.Outcome.INFO;
        why = "; below the policy's " + level(policy.failAt());
      }
      out.add(vuln(Finding.Rule.VULNERABILITY, outcome, subject, what + why, m, counted));
    }
  }

  private static String level(Severity s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  private static Finding vuln(
      Finding.Rule rule,
      Finding.Outcome outcome,
      String subject,
      String message,
      VulnerabilityMatch m,
      Severity counted) {
    return new Finding(
        rule,
        outcome,
        subject,
        message,
        m.advisory().id(),
        m.advisory().cveIds(),
        counted,
        m.fixedVersion());
  }

  private void secrets(
      Policy policy, ImageConfig config, Map<String, byte[]> files, List<Finding> out) {
    if (policy.secrets().env()) {
      for (String entry : config.env()) {
        int eq = entry.indexOf('=');
        String name = eq < 0 ? entry : entry.substring(0, eq);
        for (SecretScanner.Hit hit : SecretScanner.scan(entry)) {
          out.add(
              Finding.of(
                  Finding.Rule.SECRET_IN_ENV,
                  Finding.Outcome.FAIL,
                  "env " + name,
                  "environment variable "
                      + name
                      + " holds an "
                      + hit.kind()
                      + " ("
                      + hit.redacted()
                      + ")"));
        }
      }
    }
    if (policy.secrets().labels()) {
      config
          .labels()
          .forEach(
              (key, value) -> {
                for (SecretScanner.Hit hit : SecretScanner.scan(key + "=" + value)) {
                  out.add(
                      Finding.of(
                          Finding.Rule.SECRET_IN_LABEL,
                          Finding.Outcome.FAIL,
                          "label " + key,
                          "label " + key + " holds a " + hit.kind() + " (" + hit.redacted() + ")"));
                }
              });
    }
    if (policy.secrets().files()) {
      files.forEach(
          (path, bytes) -> {
            for (SecretScanner.Hit hit : SecretScanner.scan(bytes)) {
              out.add(
                  Finding.of(
                      Finding.Rule.SECRET_IN_FILE,
                      Finding.Outcome.FAIL,
                      "/" + path,
                      "file /"
                          + path
                          + (hit.line() > 0 ? " line " + hit.line() : "")
                          + " holds a "
                          + hit.kind()
                          + " ("
                          + hit.redacted()
                          + ")"));
            }
          });
    }
  }

  private static void registries(Policy policy, String reference, List<Finding> out) {
    if (policy.allowedRegistries().isEmpty()) {
      return;
    }
    if (reference == null || reference.isBlank()) {
      out.add(
          Finding.of(
              Finding.Rule.REGISTRY_NOT_ALLOWED,
              Finding.Outcome.FAIL,
              "image reference",
              "the policy allows only images from "
                  + policy.allowedRegistries()
                  + ", and this image's registry is unknown"));
      return;
    }
    for (String prefix : policy.allowedRegistries()) {
      if (ImageReference.isUnder(reference, prefix)) {
        return;
      }
    }
    out.add(
        Finding.of(
            Finding.Rule.REGISTRY_NOT_ALLOWED,
            Finding.Outcome.FAIL,
            ImageReference.repository(reference),
            "repository "
                + ImageReference.repository(reference)
                + " is not under any allowed prefix "
                + policy.allowedRegistries()));
  }
}
