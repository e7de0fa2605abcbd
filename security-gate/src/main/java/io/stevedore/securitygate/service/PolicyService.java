package io.stevedore.securitygate.service;

import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.securitygate.policy.Policy;
import io.stevedore.securitygate.policy.PolicyException;
import io.stevedore.securitygate.policy.PolicyParser;
import io.stevedore.securitygate.store.PolicyStore;
import io.stevedore.securitygate.store.PolicyStore.PolicyRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Team policies: every change of content is a new version; the latest version applies. */
@ApplicationScoped
public class PolicyService {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  private final PolicyStore store;
  private final Clock clock;

  PolicyService(PolicyStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** A stored policy version and its parsed form (version numbered by the store). */
  public record StoredPolicy(PolicyRow row, Policy policy) {}

  /** What a put did. */
  public record Saved(StoredPolicy policy, boolean created, boolean changed) {}

  /** Stores the YAML as a new version unless it equals the latest in content. */
  @Transactional
  public Saved put(UUID teamId, String teamName, String name, String yaml) {
    checkName(name);
    Policy parsed = parse(yaml, teamName);
    store.lock(teamId, name);
    Optional<PolicyRow> latest = store.latest(teamId, name);
    if (latest.isPresent() && latest.get().hash().equals(parsed.hash())) {
      return new Saved(stored(latest.get(), teamName), false, false);
    }
    int version = latest.map(r -> r.version() + 1).orElse(1);
    PolicyRow row = new PolicyRow(teamId, name, version, yaml, parsed.hash(), clock.instant());
    store.insert(row);
    return new Saved(stored(row, teamName), latest.isEmpty(), true);
  }

  /** The latest version, or the given one; 404 when absent (or another team's). */
  public StoredPolicy get(UUID teamId, String teamName, String name, Integer version) {
    Optional<PolicyRow> row =
        version == null ? store.latest(teamId, name) : store.version(teamId, name, version);
    return row.map(r -> stored(r, teamName))
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "policy '"
                        + name
                        + "'"
                        + (version == null ? "" : " version " + version)
                        + " not found"));
  }

  /** The policy a stored row holds, numbered with the stored version. */
  public static StoredPolicy stored(PolicyRow row, String teamName) {
    Policy p = PolicyParser.parse(row.yaml(), teamName);
    Policy numbered = p.withVersion(row.version());
    return new StoredPolicy(row, numbered);
  }

  static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw ApiException.invalid(
          "policy name '" + name + "' is invalid",
          List.of(
              new Problem.FieldError(
                  "name",
                  "1-63 characters of lowercase letters, digits, '.', '_' and '-', starting with a"
                      + " letter or digit",
                  name)));
    }
  }

  /** Parses a policy, turning its problems into a 400 (unreadable) or 422 (invalid) problem. */
  static Policy parse(String yaml, String teamName) {
    try {
      return PolicyParser.parse(yaml, teamName);
    } catch (PolicyException e) {
      List<Problem.FieldError> errors =
          e.problems().stream()
              .map(
                  p -> {
                    int colon = p.indexOf(": ");
                    return colon > 0 && !p.startsWith("not valid YAML")
                        ? new Problem.FieldError(
                            p.substring(0, colon), p.substring(colon + 2), null)
                        : new Problem.FieldError("body", p, null);
                  })
              .toList();
      if (e.problems().size() == 1
          && (e.problems().get(0).startsWith("not valid YAML")
              || e.problems().get(0).startsWith("the policy must be"))) {
        throw ApiException.badRequest("the policy is not readable: " + e.problems().get(0), errors);
      }
      throw ApiException.invalid(
          "the policy is invalid: " + String.join("; ", e.problems()), errors);
    }
  }
}
