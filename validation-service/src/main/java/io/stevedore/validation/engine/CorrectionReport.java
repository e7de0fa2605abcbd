package io.stevedore.validation.engine;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a correction changed.
 *
 * @param dataset the dataset's name
 * @param inputRows rows read
 * @param correctedRows rows written to {@code corrected}
 * @param quarantinedRows rows written to {@code quarantine}; {@code correctedRows + quarantinedRows
 *     == inputRows}
 * @param rules one entry per rule, in order, with the rows it changed or removed
 * @param quarantinedByCheck quarantined rows per failed check (a row failing two checks counts for
 *     both)
 * @param corrected the corrected dataset (Parquet)
 * @param quarantine the removed rows (Parquet) with a {@value Corrector#REASONS_COLUMN} column
 *     listing the checks each failed
 */
@RegisterForReflection
public record CorrectionReport(
    String dataset,
    long inputRows,
    long correctedRows,
    long quarantinedRows,
    List<RuleOutcome> rules,
    Map<String, Long> quarantinedByCheck,
    Path corrected,
    Path quarantine) {

  public CorrectionReport {
    rules = List.copyOf(rules);
    quarantinedByCheck = Map.copyOf(quarantinedByCheck);
  }

  /**
   * One rule's effect.
   *
   * @param rule the rule's type
   * @param target the column(s) or check(s) it applies to
   * @param rows rows it changed (value rules) or removed (dropInvalid)
   */
  @RegisterForReflection
  public record RuleOutcome(String rule, String target, long rows) {}
}
