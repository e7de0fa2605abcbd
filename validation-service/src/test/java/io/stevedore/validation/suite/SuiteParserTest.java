package io.stevedore.validation.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.common.http.ApiException;
import io.stevedore.common.spec.SpecProblem;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuiteParserTest {

  static final Map<String, String> FLIGHTS = new LinkedHashMap<>();

  static {
    FLIGHTS.put("date", "TIMESTAMP");
    FLIGHTS.put("delay", "BIGINT");
    FLIGHTS.put("distance", "BIGINT");
    FLIGHTS.put("origin", "VARCHAR");
    FLIGHTS.put("destination", "VARCHAR");
  }

  static final Catalog CATALOG =
      Catalog.of(Map.of("flights", FLIGHTS, "airports", Map.of("iata", "VARCHAR")));

  @Test
  void readsEveryCheckTypeWithDefaults() {
    SuiteParseResult result =
        SuiteParser.parse(
            """
            dataset: flights
            checks:
              - {type: schema, columns: [{name: origin, type: text, nullable: false}, delay]}
              - {type: completeness, column: origin, threshold: 0.98}
              - {type: unique, columns: [date, origin]}
              - {type: range, column: delay, min: -60, max: 600}
              - {type: allowedValues, column: origin, values: [ATL, 1, true]}
              - {type: pattern, column: origin, regex: "^[A-Z]{3}$"}
              - {type: length, column: origin, min: 3, max: 3}
              - {type: rowCount, min: 1}
              - {type: freshness, column: date, maxAge: 2d}
              - {type: referential, column: origin, dataset: airports, referencedColumn: iata}
              - {type: predicate, sql: "distance > 0"}
              - {type: aggregate, sql: "avg(delay)", max: 30}
              - {type: range, column: delay, min: 0, severity: warn, mostly: 0.4}
              - {type: predicate, name: far, sql: "distance > 100"}
            """,
            CATALOG);
    assertThat(result.problems()).isEmpty();
    Suite suite = result.suite();
    assertThat(suite.format()).isEqualTo(DataFormat.PARQUET);
    assertThat(suite.checks())
        .extracting(Check::name)
        .containsExactly(
            "schema(origin,delay)",
            "completeness(origin)",
            "unique(date,origin)",
            "range(delay)",
            "allowedValues(origin)",
            "pattern(origin)",
            "length(origin)",
            "rowCount",
            "freshness(date)",
            "referential(origin->airports)",
            "predicate",
            "aggregate(avg(delay))",
            "range(delay)#2",
            "far");
    assertThat(suite.checks().get(0)).isInstanceOf(Check.Schema.class);
    assertThat(((Check.Schema) suite.checks().get(0)).expected().get(0).type())
        .isEqualTo("VARCHAR");
    assertThat(suite.checks().get(1).mostly()).isEqualTo(0.98);
    assertThat(suite.checks().get(3).severity()).isEqualTo(Severity.FAIL);
    assertThat(suite.checks().get(3).mostly()).isEqualTo(1.0);
    assertThat(((Check.Range) suite.checks().get(3)).min()).isEqualTo(new BigDecimal("-60"));
    assertThat(((Check.Freshness) suite.checks().get(8)).maxAge()).isEqualTo(Duration.ofDays(2));
    assertThat(suite.checks().get(12).severity()).isEqualTo(Severity.WARN);
  }

  @Test
  void readsJsonToo() {
    SuiteParseResult result =
        SuiteParser.parse(
            "{\"dataset\": \"z\", \"format\": \"csv\", \"checks\": [{\"type\": \"rowCount\", \"min\": 1}]}");
    assertThat(result.isValid()).isTrue();
    assertThat(result.suite().format()).isEqualTo(DataFormat.CSV);
  }

  @Test
  void aBadSuiteListsEveryProblemWithPathAndValue() {
    SuiteParseResult result =
        SuiteParser.parse(
            """
            dataset: flights
            checks:
              - {type: completeness, column: origin}
              - {type: completeness, column: orgin}
              - {type: pattern, column: origin, regex: "^[A-Z]{3$"}
              - {type: range, column: delay, min: 0, mostly: 1.5}
              - {type: referential, column: origin, dataset: airprots, referencedColumn: iata}
            """,
            CATALOG);
    assertThat(result.isValid()).isFalse();
    assertThat(result.problems())
        .extracting(SpecProblem::toString)
        .containsExactlyInAnyOrder(
            "checks[1].column: unknown column 'orgin'",
            "checks[2].regex: invalid regex: Unclosed counted closure near index 8",
            "checks[3].mostly: mostly is the share of rows that must pass: from 0 to 1, got 1.5",
            "checks[4].dataset: unknown dataset 'airprots'");
    assertThat(result.problems())
        .extracting(SpecProblem::value)
        .containsExactlyInAnyOrder("orgin", "^[A-Z]{3$", "1.5", "airprots");
  }

  @Test
  void eachBadSuiteAloneIsA422ListingItsProblem() {
    Map<String, String> cases =
        Map.of(
            "{type: completeness, column: orgin}", "checks[0].column",
            "{type: pattern, column: origin, regex: \"(?<=x)a\"}", "checks[0].regex",
            "{type: completeness, column: origin, mostly: 2}", "checks[0].mostly",
            "{type: referential, column: origin, dataset: nowhere}", "checks[0].dataset");
    cases.forEach(
        (check, path) -> {
          SuiteParseResult result =
              SuiteParser.parse("dataset: flights\nchecks:\n  - " + check + "\n", CATALOG);
          assertThatThrownBy(result::orElseThrow)
              .isInstanceOfSatisfying(
                  ApiException.class,
                  e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.errors()).hasSize(1);
                    assertThat(e.errors().get(0).field()).isEqualTo(path);
                  });
        });
  }

  @Test
  void structuralProblemsAreAllReported() {
    SuiteParseResult result =
        SuiteParser.parse(
            """
            dataset: "bad name!"
            format: xlsx
            colour: blue
            checks:
              - {type: nonsense}
              - {type: range, column: delay}
              - {type: length, column: origin, min: 5, max: 2}
              - {type: freshness, column: date, maxAge: soon}
              - {type: predicate, sql: "1; DROP TABLE x"}
              - {type: schema, columns: [{name: a, type: MONEY}]}
              - {type: rowCount, min: 1, name: same}
              - {type: rowCount, max: 9, name: same}
              - {type: completeness, column: origin, severity: fatal}
              - {type: unique, column: id}
            corrections:
              - {type: dropInvalid, checks: [missing, same, "unique(id)"]}
            """);
    assertThat(result.problems())
        .extracting(SpecProblem::path)
        .containsExactly(
            "colour",
            "dataset",
            "format",
            "checks[7].name",
            "checks[0].type",
            "checks[1]",
            "checks[2].min",
            "checks[3].maxAge",
            "checks[4].sql",
            "checks[5].columns[0].type",
            "checks[8].severity",
            "corrections[0].checks[0]",
            "corrections[0].checks[1]",
            "corrections[0].checks[2]");
  }

  @Test
  void syntaxErrorsAndEmptyDocumentsAreOneProblem() {
    assertThat(SuiteParser.parse("checks: [").problems()).hasSize(1);
    assertThat(SuiteParser.parse("   ").problems())
        .extracting(SpecProblem::message)
        .containsExactly("the suite is empty");
  }

  @Test
  void validatesAParsedSuiteAgainstActualColumns() {
    Suite suite =
        SuiteParser.parse(
                """
                dataset: flights
                checks:
                  - {type: schema, columns: [{name: delay, type: VARCHAR}, {name: gate}]}
                  - {type: unique, columns: [date, flight_no]}
                  - {type: freshness, column: origin, maxAge: 1h}
                """)
            .orElseThrow();
    assertThat(SuiteParser.validate(suite, CATALOG))
        .extracting(SpecProblem::toString)
        .containsExactly(
            "checks[0].columns[0].type: column 'delay' has type BIGINT",
            "checks[0].columns[1].name: unknown column 'gate'",
            "checks[1].columns[1]: unknown column 'flight_no'",
            "checks[2].column: column 'origin' has type VARCHAR, not a date or timestamp");
  }
}
