package io.stevedore.validation.domain;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.stevedore.validation.engine.CorrectionReport;
import java.util.List;
import java.util.Map;

/**
 * What a correction changed and where its outputs went.
 *
 * @param inputRows rows read
 * @param correctedRows rows in the corrected dataset
 * @param quarantinedRows rows moved to quarantine ({@code correctedRows + quarantinedRows ==
 *     inputRows})
 * @param rules each rule in order, with the rows it changed (value rules) or removed (dropInvalid)
 * @param quarantinedByCheck quarantined rows per failed check
 * @param correctedUri the corrected dataset (Parquet)
 * @param quarantineUri the removed rows (Parquet) with the column {@code _failed_checks}
 */
@RegisterForReflection
public record Correction(
    long inputRows,
    long correctedRows,
    long quarantinedRows,
    List<CorrectionReport.RuleOutcome> rules,
    Map<String, Long> quarantinedByCheck,
    String correctedUri,
    String quarantineUri) {

  public Correction {
    rules = List.copyOf(rules);
    quarantinedByCheck = Map.copyOf(quarantinedByCheck);
  }

  static Correction of(CorrectionReport r, String correctedUri, String quarantineUri) {
    return new Correction(
        r.inputRows(),
        r.correctedRows(),
        r.quarantinedRows(),
        r.rules(),
        r.quarantinedByCheck(),
        correctedUri,
        quarantineUri);
  }
}
