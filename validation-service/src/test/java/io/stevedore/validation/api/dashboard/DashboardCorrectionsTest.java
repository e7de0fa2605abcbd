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
    // as the service writes it: the correction beside the report, with where its outputs went
    var document = mapper.createObjectNode();
    document.putObject("report").putArray("checks");
    var correction = document.putObject("correction");
    correction.put("inputRows", report.inputRows());
    correction.put("correctedRows", report.correctedRows());
    correction.put("quarantinedRows", report.quarantinedRows());
    correction.set("rules", mapper.valueToTree(report.rules()));
    correction.set("quarantinedByCheck", mapper.valueToTree(report.quarantinedByCheck()));
    correction.put("correctedUri", "s3://stevedore-stages/r/s/corrected/airports.parquet");
    correction.put("quarantineUri", "s3://stevedore-quarantine/r/s/1/airports.parquet");

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
    assertThat(view.correctedUri())
        .isEqualTo("s3://stevedore-stages/r/s/corrected/airports.parquet");
  }

  @Test
  void readsTheEnginesReportShapeInsideTheReportToo() {
    var document = mapper.createObjectNode();
    var engine = document.putObject("report").putObject("correction");
    engine.put("inputRows", 10);
    engine.put("correctedRows", 9);
    engine.put("quarantinedRows", 1);
    CorrectionsView view = corrections.fromReport(document);
    assertThat(view.made()).isTrue();
    assertThat(view.quarantinedRows()).isEqualTo("1");
    assertThat(view.rules()).isEmpty();
    assertThat(view.correctedUri()).isNull();
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
