package io.stevedore.validation.engine;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.stevedore.validation.suite.Severity;
import java.util.List;

/**
 * The outcome of one check.
 *
 * @param name the check's name
 * @param type the check's type, as a suite writes it
 * @param severity what a failure does to the verdict
 * @param mostly the share of rows that had to pass
 * @param observed what was measured, for people: {@code 3 nulls of 3376}, {@code min -62, max
 *     1040}, {@code newest 2001-03-31T23:59}
 * @param failedRows rows that failed (for a uniqueness check: rows whose key occurs more than
 *     once); null for checks on the whole dataset
 * @param passRatio the share of rows that passed, 0 to 1 (1 for an empty dataset); for checks on
 *     the whole dataset 1 when passed, else 0
 * @param passed whether the check passed: {@code passRatio >= mostly} for row checks
 * @param error why the check could not run (an unknown column, SQL that does not bind), or null
 * @param samples up to the engine's sample size of failing rows, each with its reason
 * @param value the measured metric of an anomaly check (kept in the history to judge later runs),
 *     else null
 */
@RegisterForReflection
public record CheckResult(
    String name,
    String type,
    Severity severity,
    double mostly,
    String observed,
    Long failedRows,
    double passRatio,
    boolean passed,
    String error,
    List<FailedRow> samples,
    Double value) {

  public CheckResult {
    samples = samples == null ? List.of() : List.copyOf(samples);
  }

  CheckResult withSamples(List<FailedRow> rows) {
    return new CheckResult(
        name, type, severity, mostly, observed, failedRows, passRatio, passed, error, rows, value);
  }
}
