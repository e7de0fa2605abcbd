package io.stevedore.validation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.validation.suite.DataFormat;
import io.stevedore.validation.suite.Suite;
import io.stevedore.validation.suite.SuiteParser;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scan counter itself: it must see every read of the file, or the one-pass claim is empty. */
class ScanCountTest {

  static final DatasetSource FLIGHTS =
      DatasetSource.of("flights", DataFormat.PARQUET, TestData.file("flights-3m.parquet"));

  @Test
  void countsEachReadOfTheFileInTheProfile() throws Exception {
    try (DuckSession session = new DuckSession()) {
      session.register(FLIGHTS, Map.of());
      session.lock(List.of());
      // count(*) alone is answered from Parquet metadata: no scan, and none is counted
      assertThat(session.query("SELECT count(*) FROM \"flights\"", List.of()).scansOf("flights"))
          .isZero();
      assertThat(session.query("SELECT sum(delay) FROM \"flights\"", List.of()).scansOf("flights"))
          .isEqualTo(1);
      assertThat(
              session
                  .query(
                      "SELECT (SELECT sum(delay) FROM \"flights\") + (SELECT sum(distance) FROM \"flights\")"
                          + " + (SELECT count(*) FROM \"flights\" WHERE origin = 'ATL')",
                      List.of())
                  .scansOf("flights"))
          .isEqualTo(3);
    }
  }

  @Test
  void aSuiteWithoutUniquenessReadsTheDataOnce() {
    Suite suite =
        SuiteParser.parse(
                """
                dataset: flights
                checks:
                  - {type: completeness, column: origin}
                  - {type: range, column: delay, min: -2000, max: 2000}
                  - {type: pattern, column: origin, regex: "^[A-Z0-9]{3}$"}
                  - {type: predicate, sql: "distance > 0"}
                  - {type: aggregate, sql: "max(distance)", max: 10000}
                  - {type: rowCount, min: 1}
                """)
            .orElseThrow();
    ValidationReport report =
        new ValidationEngine(Clock.systemUTC()).run(suite, FLIGHTS, List.of());
    assertThat(report.checks()).allMatch(CheckResult::passed);
    assertThat(report.scansOfData()).isEqualTo(1);
    assertThat(report.scansForSamples()).isZero();
  }
}
