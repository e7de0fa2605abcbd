package io.stevedore.validation.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.validation.api.dashboard.DashboardViews.CorrectionsView;
import io.stevedore.validation.engine.CorrectionReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardCorrectionsTest {

  final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
  final DashboardCorrections corrections = new DashboardCorrections();

  @Test
  void readsTheEnginesCorrectionReportFromTheReportDocument() {
    CorrectionReport report =
        new CorrectionReport(
            "airports",
            3376,
            3364,
            12,
            List.of(
                new CorrectionReport.RuleOutcome("trim", "city, county", 7),
                new CorrectionReport.RuleOutcome("dropInvalid", "completeness(state)", 12)),
            Map.of("completeness(state)", 12L),
            Path.of("/tmp/corrected.parquet"),
            Path.of("/tmp/quarantine.parquet"));
    var document = mapper.createObjectNode();
    var inner = document.putObject("report");
    inner.set("correction", mapper.valueToTree(report));
    document.put("correctedUri", "s3://out/airports/corrected.parquet");
    inner.put("quarantineUri", "s3://stevedore-quarantine/r/s/1/airports.parquet");

    CorrectionsView view = corrections.fromReport(document);
    assertThat(view.made()).isTrue();
    assertThat(view.inputRows()).isEqualTo("3,376");
    assertThat(view.correctedRows()).isEqualTo("3,364");
    assertThat(view.quarantinedRows()).isEqualTo("12");
    assertThat(view.rules())
        .extracting(DashboardViews.RuleRow::rule, DashboardViews.RuleRow::rows)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("trim", "7"),
            org.assertj.core.groups.Tuple.tuple("dropInvalid", "12"));
    assertThat(view.quarantinedByCheck())
        .containsExactly(new DashboardViews.CountRow("completeness(state)", "12"));
    assertThat(view.quarantineUri()).isEqualTo("s3://stevedore-quarantine/r/s/1/airports.parquet");
    assertThat(view.correctedUri()).isNull(); // only beside the correction, not elsewhere
  }

  @Test
  void saysWhenNoCorrectionWasMadeOrItIsUnknown() throws Exception {
    CorrectionsView none =
        corrections.fromReport(mapper.readTree("{\"report\": {\"checks\": []}}"));
    assertThat(none.made()).isFalse();
    assertThat(none.note()).contains("No corrections");

    CorrectionsView unknown = corrections.fromReport(null);
    assertThat(unknown.made()).isFalse();
    assertThat(unknown.note()).contains("Not known");
  }
}
