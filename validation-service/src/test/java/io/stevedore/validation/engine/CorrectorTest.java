package io.stevedore.validation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.validation.suite.DataFormat;
import io.stevedore.validation.suite.Suite;
import io.stevedore.validation.suite.SuiteParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorrectorTest {

  @TempDir Path dir;

  @Test
  void correctsValuesAndQuarantinesInvalidRowsWithTheirReasons() throws Exception {
    Path file = dir.resolve("orders.csv");
    Files.writeString(
        file,
        """
        id,customer,amount,country
        1,  Ann  ,10,DE
        2,Bob,ten,FR
        3,,30,
        4,Dan,-5,DE
        5,Eve,50,XX
        6,Fay,-1,XX
        """);
    Suite suite =
        SuiteParser.parse(
                """
                dataset: orders
                format: csv
                checks:
                  - {type: schema, columns: [{name: id, type: BIGINT}, {name: amount, type: VARCHAR}]}
                  - {name: positive, type: range, column: amount, min: 0}
                  - {name: known-country, type: allowedValues, column: country, values: [DE, FR, "??"]}
                  - {name: named, type: completeness, column: customer}
                corrections:
                  - {type: trim, columns: [customer]}
                  - {type: cast, column: amount, to: BIGINT, default: 0}
                  - {type: fillNull, column: country, value: "??"}
                  - {type: dropInvalid, checks: [positive, known-country]}
                """)
            .orElseThrow();
    CorrectionReport report =
        Corrector.correct(
            suite, DatasetSource.forSuite(suite, file), List.of(), dir.resolve("out"));

    assertThat(report.inputRows()).isEqualTo(6);
    assertThat(report.correctedRows() + report.quarantinedRows()).isEqualTo(report.inputRows());
    assertThat(report.quarantinedRows()).isEqualTo(3); // 4 (negative), 5 (XX), 6 (both)
    assertThat(report.rules())
        .containsExactly(
            new CorrectionReport.RuleOutcome("trim", "customer", 1),
            new CorrectionReport.RuleOutcome("cast", "amount", 1),
            new CorrectionReport.RuleOutcome("fillNull", "country", 1),
            new CorrectionReport.RuleOutcome("dropInvalid", "positive,known-country", 3));
    assertThat(report.quarantinedByCheck())
        .containsEntry("positive", 2L)
        .containsEntry("known-country", 2L);

    assertThat(rows("SELECT count(*) FROM read_parquet('" + report.corrected() + "')"))
        .containsExactly("3");
    assertThat(rows("SELECT count(*) FROM read_parquet('" + report.quarantine() + "')"))
        .containsExactly("3");
    assertThat(
            rows(
                "SELECT concat(id, ':', customer, ':', amount, ':', country) FROM read_parquet('"
                    + report.corrected()
                    + "') ORDER BY id"))
        .containsExactly("1:Ann:10:DE", "2:Bob:0:FR", "3::30:??");
    assertThat(
            rows(
                "SELECT id || ':' || array_to_string(_failed_checks, '+') FROM read_parquet('"
                    + report.quarantine()
                    + "') ORDER BY id"))
        .containsExactly("4:positive", "5:known-country", "6:positive+known-country");
  }

  @Test
  void correctionOfTheFlightsFileAddsUp() throws Exception {
    Suite suite =
        SuiteParser.parse(
                """
                dataset: flights
                checks:
                  - {name: on-time-ish, type: range, column: delay, min: -30, max: 180}
                corrections:
                  - {type: dropInvalid, checks: [on-time-ish]}
                """)
            .orElseThrow();
    CorrectionReport report =
        Corrector.correct(
            suite,
            DatasetSource.of("flights", DataFormat.PARQUET, TestData.file("flights-3m.parquet")),
            List.of(),
            dir);
    long outside =
        TestData.count(
            "SELECT count(*) FROM read_parquet("
                + TestData.path("flights-3m.parquet")
                + ") WHERE delay < -30 OR delay > 180");
    assertThat(report.quarantinedRows()).isEqualTo(outside);
    assertThat(report.correctedRows()).isEqualTo(3_000_000L - outside);
    assertThat(rows("SELECT count(*) FROM read_parquet('" + report.corrected() + "')"))
        .containsExactly(String.valueOf(3_000_000L - outside));
    assertThat(rows("SELECT count(*) FROM read_parquet('" + report.quarantine() + "')"))
        .containsExactly(String.valueOf(outside));
  }

  private static List<String> rows(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c =
            new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1) == null ? "" : rs.getString(1));
      }
    }
    return out;
  }
}
