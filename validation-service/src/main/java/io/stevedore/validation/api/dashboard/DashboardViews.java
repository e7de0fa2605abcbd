package io.stevedore.validation.api.dashboard;

import java.util.List;

/**
 * What the dashboard's templates show, already formatted: the templates only lay it out (and Qute
 * escapes every value).
 */
public final class DashboardViews {

  private DashboardViews() {}

  /**
   * A dataset on the list page.
   *
   * @param href the dataset page's path, or null when the dataset has no result yet
   * @param verdictClass {@code pass}, {@code warn}, {@code fail} or {@code none}, for styling
   * @param change the latest score minus the one before, such as {@code +1.25}, or empty
   */
  public record DatasetRow(
      String name,
      String href,
      String suite,
      String verdict,
      String verdictClass,
      String score,
      String rows,
      String when,
      Sparkline trend,
      String change,
      String error) {}

  /** A dataset's page. */
  public record DatasetPage(
      String name,
      Latest latest,
      List<FailingCheck> failing,
      String samplesProblem,
      Sparkline trend,
      List<HistoryRow> history,
      CorrectionsView corrections) {}

  /**
   * The dataset's latest result.
   *
   * @param origin {@code ad hoc (HTTP)} or the run, stage and attempt it validated
   * @param error why the validation could not run, or null
   */
  public record Latest(
      String suite,
      int suiteVersion,
      String verdict,
      String verdictClass,
      String score,
      String rows,
      String when,
      String datasetUri,
      String reportUri,
      String origin,
      String error,
      int checks,
      int failedChecks) {}

  /**
   * A failed check of the latest result.
   *
   * @param failedRows rows that failed, or empty for checks on the whole dataset
   * @param passRatio the share of rows that passed, as a percentage
   * @param observed what was measured
   * @param error why the check could not run, or null
   * @param samples failing rows with their reasons (possibly none)
   */
  public record FailingCheck(
      String name,
      String type,
      String severity,
      String failedRows,
      String passRatio,
      String observed,
      String error,
      SampleTable samples) {}

  /**
   * Samples of failing rows of one check.
   *
   * @param columns the columns, in the order the rows first name them
   * @param note such as {@code 20 of 1,204 failing rows shown}
   */
  public record SampleTable(List<String> columns, List<SampleRow> rows, String note) {}

  /** One failing row: why it failed, and its values in {@link SampleTable#columns()} order. */
  public record SampleRow(String reason, List<Cell> cells) {}

  /** A value of a sampled row; {@code missing} marks SQL null. */
  public record Cell(String text, boolean missing) {}

  /** A result in the dataset's history. */
  public record HistoryRow(
      String when,
      String verdict,
      String verdictClass,
      String score,
      String rows,
      String failedChecks,
      String suite,
      String origin,
      String error) {}

  /**
   * The corrections made to the latest result's data.
   *
   * @param made whether a correction ran
   * @param note for people, when no correction ran or it is not known
   * @param rules one row per rule: what it did to how many rows
   * @param quarantinedByCheck rows set aside per failed check
   */
  public record CorrectionsView(
      boolean made,
      String note,
      String inputRows,
      String correctedRows,
      String quarantinedRows,
      List<RuleRow> rules,
      List<CountRow> quarantinedByCheck,
      String correctedUri,
      String quarantineUri) {

    static CorrectionsView none(String note) {
      return new CorrectionsView(false, note, "", "", "", List.of(), List.of(), null, null);
    }
  }

  /** A correction rule and the rows it changed or removed. */
  public record RuleRow(String rule, String target, String rows) {}

  /** A count by name. */
  public record CountRow(String name, String count) {}
}
