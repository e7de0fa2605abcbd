package io.stevedore.validation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.common.spec.SpecProblem;
import io.stevedore.validation.suite.Catalog;
import io.stevedore.validation.suite.DataFormat;
import io.stevedore.validation.suite.Suite;
import io.stevedore.validation.suite.SuiteParser;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuiteAgainstDatasetTest {

  static final DatasetSource FLIGHTS =
      DatasetSource.of("flights", DataFormat.PARQUET, TestData.file("flights-3m.parquet"));
  static final DatasetSource AIRPORTS =
      DatasetSource.of("airports", DataFormat.CSV, TestData.file("airports.csv"));

  @Test
  void checksASuiteAgainstTheColumnsOfTheActualFiles() {
    Catalog catalog =
        Catalog.of(
            Map.of(
                "flights", ValidationEngine.columnsOf(FLIGHTS),
                "airports", ValidationEngine.columnsOf(AIRPORTS)));
    assertThat(catalog.columns("flights").orElseThrow())
        .containsEntry("origin", "VARCHAR")
        .containsEntry("date", "TIMESTAMP");
    var result =
        SuiteParser.parse(
            """
            dataset: flights
            checks:
              - {type: completeness, column: orgin}
              - {type: referential, column: origin, dataset: airports, referencedColumn: iatta}
              - {type: referential, column: origin, dataset: weather}
              - {type: pattern, column: origin, regex: "[A-Z"}
            """,
            catalog);
    assertThat(result.problems())
        .extracting(SpecProblem::toString)
        .containsExactlyInAnyOrder(
            "checks[0].column: unknown column 'orgin'",
            "checks[1].referencedColumn: unknown column 'iatta' in dataset 'airports'",
            "checks[2].dataset: unknown dataset 'weather'",
            "checks[3].regex: invalid regex: Unclosed character class near index 3");
  }

  @Test
  void zipCodesStayTextWhenAPatternReadsThemEvenWithoutASchema() {
    Suite suite =
        SuiteParser.parse(
                """
                dataset: zipcodes
                format: csv
                checks:
                  - {type: pattern, column: zip_code, regex: "^[0-9]{5}$"}
                  - {type: allowedValues, column: zip_code, values: ["00501"], mostly: 0}
                """)
            .orElseThrow();
    ValidationReport report =
        new ValidationEngine(Clock.systemUTC())
            .run(suite, DatasetSource.forSuite(suite, TestData.file("zipcodes.csv")), List.of());
    assertThat(report.check("pattern(zip_code)").orElseThrow().failedRows()).isZero();
    assertThat(report.check("allowedValues(zip_code)").orElseThrow().failedRows())
        .isEqualTo(report.rowCount() - 1);
  }
}
