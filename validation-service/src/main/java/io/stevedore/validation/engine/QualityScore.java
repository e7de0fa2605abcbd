package io.stevedore.validation.engine;

import io.stevedore.common.contract.ValidationResult.Verdict;
import io.stevedore.validation.suite.Severity;
import java.util.List;

/**
 * The quality score of a run, 0 to 100, and its verdict.
 *
 * <p><b>Definition.</b> The score is the weighted mean, over all checks of the suite, of each
 * check's pass ratio, times 100, rounded to two decimals:
 *
 * <pre>
 *   score = 100 * sum(w(c) * passRatio(c)) / sum(w(c)),   w(c) = 2 for severity fail, 1 for warn
 * </pre>
 *
 * <ul>
 *   <li>a row-level check's pass ratio is the share of rows that passed it ({@code 1 - failedRows /
 *       rows}); on an empty dataset it is 1;
 *   <li>a check on the whole dataset (row count, freshness, custom aggregate) has ratio 1 when it
 *       passed and 0 when it failed;
 *   <li>a check that could not run (an unknown column, SQL that does not bind), and a schema check
 *       with a missing, mistyped or unexpected column, has ratio 0.
 * </ul>
 *
 * So the score says how much of the data is good, weighting what the suite treats as blocking
 * twice; {@code mostly} does not enter it, and a check can fail (ratio below its {@code mostly})
 * while still adding nearly its full weight. A suite with no checks scores 100.
 *
 * <p><b>Verdict.</b> {@code fail} when any check of severity fail failed; else {@code warn} when
 * any check of severity warn failed; else {@code pass}. The verdict never depends on the score.
 */
public final class QualityScore {

  /** Weight of a check of severity fail in the score. */
  public static final double FAIL_WEIGHT = 2.0;

  /** Weight of a check of severity warn in the score. */
  public static final double WARN_WEIGHT = 1.0;

  private QualityScore() {}

  /** The score of these results, 0 to 100, rounded to two decimals. */
  public static double score(List<CheckResult> results) {
    double weights = 0;
    double sum = 0;
    for (CheckResult r : results) {
      double w = r.severity() == Severity.FAIL ? FAIL_WEIGHT : WARN_WEIGHT;
      weights += w;
      sum += w * r.passRatio();
    }
    if (weights == 0) {
      return 100.0;
    }
    return Math.round(10_000.0 * sum / weights) / 100.0;
  }

  /** The verdict of these results. */
  public static Verdict verdict(List<CheckResult> results) {
    boolean warn = false;
    for (CheckResult r : results) {
      if (!r.passed()) {
        if (r.severity() == Severity.FAIL) {
          return Verdict.FAIL;
        }
        warn = true;
      }
    }
    return warn ? Verdict.WARN : Verdict.PASS;
  }
}
