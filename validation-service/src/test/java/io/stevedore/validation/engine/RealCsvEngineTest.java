package io.stevedore.validation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.common.contract.ValidationResult.Verdict;
import io.stevedore.validation.suite.Suite;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealCsvEngineTest {

  final ValidationEngine engine = new ValidationEngine(Clock.systemUTC());

  @Test
  void findsTheAirportsWithoutAState() throws Exception {
    Suite suite = TestData.suite("airports.yaml");
    ValidationReport report =
        engine.run(suite, DatasetSource.forSuite(suite, TestData.file("airports.csv")), List.of());

    CheckResult state = report.check("completeness(state)").orElseThrow();
    String raw = "read_csv(" + TestData.path("airports.csv") + ", all_varchar = true)";
    long missing =
        TestData.count("SELECT count(*) FROM " + raw + " WHERE state = 'NA' OR state IS NULL");
    assertThat(missing).isEqualTo(12);
    assertThat(state.passed()).isFalse();
    assertThat(state.failedRows()).isEqualTo(missing);
    assertThat(report.verdict()).isEqualTo(Verdict.FAIL);

    List<String> expected = new ArrayList<>();
    try (Connection c =
            new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT iata FROM " + raw + " WHERE state = 'NA' OR state IS NULL")) {
      while (rs.next()) {
        expected.add(rs.getString(1));
      }
    }
    assertThat(state.samples())
        .extracting(r -> (String) r.row().get("iata"))
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(state.samples()).allMatch(r -> r.reason().equals("state is null"));

    assertThat(report.check("unique(iata)").orElseThrow().passed()).isTrue();
    assertThat(report.check("range(latitude)").orElseThrow().failedRows()).isZero();
    assertThat(report.check("schema(iata,state,latitude,longitude)").orElseThrow().passed())
        .isTrue();
    assertThat(report.scansOfData()).isEqualTo(2);
  }

  @Test
  void zipCodesKeepTheirLeadingZeros(@TempDir Path out) throws Exception {
    Suite suite = TestData.suite("zipcodes.yaml");
    DatasetSource source = DatasetSource.forSuite(suite, TestData.file("zipcodes.csv"));
    ValidationReport report = engine.run(suite, source, List.of());

    CheckResult pattern = report.check("pattern(zip_code)").orElseThrow();
    assertThat(pattern.passed()).isTrue();
    assertThat(pattern.failedRows()).isZero();
    assertThat(report.rowCount())
        .isEqualTo(
            TestData.count("SELECT count(*) FROM read_csv(" + TestData.path("zipcodes.csv") + ")"));
    assertThat(
            report
                .check("schema(zip_code,latitude,longitude,city,state,county)")
                .orElseThrow()
                .passed())
        .isTrue();

    CorrectionReport corrected = Corrector.correct(suite, source, List.of(), out);
    try (Connection c =
            new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT zip_code, typeof(zip_code) FROM read_parquet('"
                    + corrected.corrected()
                    + "') WHERE city = 'Holtsville' ORDER BY zip_code")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("00501");
      assertThat(rs.getString(2)).isEqualTo("VARCHAR");
    }
    assertThat(corrected.correctedRows()).isEqualTo(report.rowCount());
  }
}
