package io.stevedore.validation.engine;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.stevedore.common.contract.ValidationResult.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of running a suite over a dataset.
 *
 * @param dataset the dataset's name
 * @param verdict fail when a check of severity fail failed, else warn when a check of severity warn
 *     failed, else pass
 * @param score the {@link QualityScore}, 0 to 100
 * @param rowCount rows in the dataset
 * @param checks one result per check, in suite order
 * @param scansOfData how many times the checks read the dataset, counted from DuckDB's profile of
 *     the check queries (not from the code)
 * @param scansForSamples how many further times the dataset was read to sample failing rows (0 when
 *     nothing failed), also counted from the profile
 * @param scansOfReferences reads of referenced datasets, by name, across all queries
 * @param evaluatedAt the engine clock's now, which freshness checks are measured against
 * @param elapsed wall time of the run
 */
@RegisterForReflection
public record ValidationReport(
    String dataset,
    Verdict verdict,
    double score,
    long rowCount,
    List<CheckResult> checks,
    int scansOfData,
    int scansForSamples,
    Map<String, Integer> scansOfReferences,
    Instant evaluatedAt,
    Duration elapsed) {

  public ValidationReport {
    checks = List.copyOf(checks);
    scansOfReferences = Map.copyOf(scansOfReferences);
  }

  /** The result of the check with this name. */
  public Optional<CheckResult> check(String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** The names of the failed checks, in suite order. */
  public List<String> failedChecks() {
    return checks.stream().filter(c -> !c.passed()).map(CheckResult::name).toList();
  }
}
