package io.stevedore.validation.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.common.contract.ValidationResult.Verdict;
import io.stevedore.validation.suite.DataFormat;
import io.stevedore.validation.suite.Suite;
import io.stevedore.validation.suite.SuiteParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeCaseEngineTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T00:00:00Z"), ZoneOffset.UTC);
  final ValidationEngine engine = new ValidationEngine(CLOCK);

  @TempDir Path dir;

  private ValidationReport run(String suiteYaml, String fileName, String content) throws Exception {
    Path file = dir.resolve(fileName);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Suite suite = SuiteParser.parse(suiteYaml).orElseThrow();
    return engine.run(suite, DatasetSource.forSuite(suite, file), List.of());
  }

  @Test
  void emptyCsvHasNoFailingRowsButFailsRowCount() throws Exception {
    ValidationReport report =
        run(
            """
            dataset: empty
            format: csv
            checks:
              - {type: schema, columns: [{name: id, type: BIGINT, nullable: false}, {name: name, type: VARCHAR}]}
              - {type: completeness, column: name}
              - {type: unique, column: id}
              - {type: rowCount, min: 1}
            """,
            "empty.csv",
            "id,name\n");
    assertThat(report.rowCount()).isZero();
    assertThat(report.check("completeness(name)").orElseThrow().passRatio()).isEqualTo(1.0);
    assertThat(report.check("unique(id)").orElseThrow().passed()).isTrue();
    assertThat(report.check("rowCount").orElseThrow().passed()).isFalse();
    assertThat(report.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void emptyParquetFileIsReadAsZeroRows() throws Exception {
    Path file = dir.resolve("empty.parquet");
    try (Connection c =
            new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
        Statement s = c.createStatement()) {
      s.execute(
          "COPY (SELECT 1::BIGINT AS id, 'x' AS name WHERE false) TO '"
              + file
              + "' (FORMAT parquet)");
    }
    Suite suite =
        SuiteParser.parse(
                """
                dataset: empty
                checks:
                  - {type: completeness, column: name}
                  - {type: rowCount, max: 0}
                """)
            .orElseThrow();
    ValidationReport report = engine.run(suite, DatasetSource.forSuite(suite, file), List.of());
    assertThat(report.rowCount()).isZero();
    assertThat(report.verdict()).isEqualTo(Verdict.PASS);
    assertThat(report.score()).isEqualTo(100.0);
  }

  @Test
  void zeroByteFileIsAnEngineErrorNamingTheDataset() throws Exception {
    assertThatThrownBy(
            () ->
                run(
                    "{\"dataset\": \"nothing\", \"format\": \"parquet\", \"checks\": [{\"type\": \"rowCount\", \"min\": 1}]}",
                    "nothing.parquet",
                    ""))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("dataset 'nothing'");
  }

  @Test
  void allNullsFailCompletenessButPassValueChecks() throws Exception {
    ValidationReport report =
        run(
            """
            dataset: nulls
            format: csv
            checks:
              - {type: schema, columns: [{name: amount, type: DOUBLE}, {name: seen, type: TIMESTAMP}, {name: code, type: VARCHAR}]}
              - {type: completeness, column: amount}
              - {type: range, column: amount, min: 0, max: 10}
              - {type: pattern, column: code, regex: "^[A-Z]+$"}
              - {type: freshness, column: seen, maxAge: 1d}
              - {type: aggregate, sql: "sum(amount)", min: 0}
            """,
            "nulls.csv",
            "amount,seen,code\n,,\n,,\n,,\n");
    assertThat(report.rowCount()).isEqualTo(3);
    assertThat(report.check("completeness(amount)").orElseThrow().failedRows()).isEqualTo(3);
    assertThat(report.check("completeness(amount)").orElseThrow().passRatio()).isZero();
    assertThat(report.check("range(amount)").orElseThrow().failedRows()).isZero();
    assertThat(report.check("pattern(code)").orElseThrow().passed()).isTrue();
    CheckResult fresh = report.check("freshness(seen)").orElseThrow();
    assertThat(fresh.passed()).isFalse();
    assertThat(fresh.observed()).isEqualTo("no values in seen");
    assertThat(report.check("aggregate(sum(amount))").orElseThrow().passed()).isFalse();
    assertThat(report.check("schema(amount,seen,code)").orElseThrow().passed()).isTrue();
  }

  @Test
  void singleJsonLineIsValidatedLikeAnyOther() throws Exception {
    ValidationReport report =
        run(
            """
            dataset: one
            format: json
            checks:
              - {type: unique, columns: [id]}
              - {type: range, column: score, min: 0, max: 1}
              - {type: freshness, column: at, maxAge: 36h}
              - {type: rowCount, min: 1, max: 1}
              - {type: predicate, sql: "score * 2 < 3"}
              - {type: range, column: at, min: "2026-01-01", max: "2026-01-01T23:59:59"}
            """,
            "one.jsonl",
            "{\"id\": 7, \"score\": 0.5, \"at\": \"2026-01-01T12:00:00\"}\n");
    assertThat(report.rowCount()).isEqualTo(1);
    assertThat(report.checks()).allMatch(CheckResult::passed);
    assertThat(report.check("freshness(at)").orElseThrow().observed())
        .startsWith("newest 2026-01-01 12:00:00");
    assertThat(report.verdict()).isEqualTo(Verdict.PASS);
  }

  @Test
  void lengthCountsCharactersNotBytes() throws Exception {
    ValidationReport report =
        run(
            """
            dataset: names
            format: csv
            checks:
              - {type: length, column: name, max: 4}
              - {type: pattern, column: name, regex: "^\\\\p{L}+$"}
            """,
            "names.csv",
            "name\n東京都\nZoë\n🙂🙂\nnaïve\nMünchen\n");
    CheckResult length = report.check("length(name)").orElseThrow();
    // 東京都 is 3 characters and 9 bytes; only naïve (5) and München (7) are too long
    assertThat(length.failedRows()).isEqualTo(2);
    assertThat(length.samples())
        .extracting(r -> r.row().get("name"))
        .containsExactlyInAnyOrder("naïve", "München");
    assertThat(report.check("pattern(name)").orElseThrow().failedRows()).isEqualTo(1);
  }

  @Test
  void aWrongTypeInOneRowIsOneFailingRowNotAnUnreadableFile() throws Exception {
    ValidationReport report =
        run(
            """
            dataset: payments
            format: csv
            checks:
              - {type: schema, columns: [{name: id, type: BIGINT}, {name: amount, type: BIGINT}]}
              - {type: range, column: amount, min: 0}
              - {type: aggregate, sql: "sum(amount)", min: 40, max: 40}
            """,
            "payments.csv",
            "id,amount\n1,10\n2,ten\n3,30\n");
    CheckResult schema = report.check("schema(id,amount)").orElseThrow();
    assertThat(schema.failedRows()).isEqualTo(1);
    assertThat(schema.passed()).isFalse();
    assertThat(schema.samples()).hasSize(1);
    assertThat(schema.samples().get(0).row()).containsEntry("amount$raw", "ten");
    assertThat(schema.samples().get(0).row().get("amount")).isNull();
    assertThat(report.check("range(amount)").orElseThrow().failedRows()).isZero();
    assertThat(report.check("aggregate(sum(amount))").orElseThrow().passed()).isTrue();
  }

  @Test
  void schemaReportsMissingMistypedAndUnexpectedColumns() throws Exception {
    Path file = dir.resolve("t.parquet");
    try (Connection c =
            new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
        Statement s = c.createStatement()) {
      s.execute("COPY (SELECT 1 AS a, 'x' AS b, 2.5 AS extra) TO '" + file + "' (FORMAT parquet)");
    }
    Suite suite =
        SuiteParser.parse(
                """
                dataset: t
                checks:
                  - {type: schema, columns: [{name: a, type: VARCHAR}, b, {name: gone}]}
                  - {type: completeness, column: gone}
                """)
            .orElseThrow();
    ValidationReport report =
        engine.run(suite, DatasetSource.of("t", DataFormat.PARQUET, file), List.of());
    CheckResult schema = report.check("schema(a,b,gone)").orElseThrow();
    assertThat(schema.passed()).isFalse();
    assertThat(schema.passRatio()).isZero();
    assertThat(schema.observed())
        .contains(
            "missing column gone", "column a is INTEGER, not VARCHAR", "unexpected column extra");
    CheckResult completeness = report.check("completeness(gone)").orElseThrow();
    assertThat(completeness.error()).isEqualTo("unknown column 'gone' in dataset 't'");
    assertThat(report.score()).isZero();
  }

  @Test
  void aDirectoryOfPartsIsOneDatasetReadInOnePass() throws Exception {
    Path parts = Files.createDirectory(dir.resolve("parts"));
    try (Connection c =
            new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
        Statement s = c.createStatement()) {
      s.execute(
          "COPY (SELECT range AS id FROM range(0, 100)) TO '"
              + parts.resolve("part-0.parquet")
              + "' (FORMAT parquet)");
      s.execute(
          "COPY (SELECT range AS id FROM range(90, 150)) TO '"
              + parts.resolve("part-1.parquet")
              + "' (FORMAT parquet)");
    }
    Files.writeString(parts.resolve("_SUCCESS"), "");
    Suite suite =
        SuiteParser.parse(
                """
                dataset: parts
                checks:
                  - {type: unique, column: id, severity: warn}
                  - {type: range, column: id, min: 0, max: 149}
                """)
            .orElseThrow();
    ValidationReport report = engine.run(suite, DatasetSource.forSuite(suite, parts), List.of());
    assertThat(report.rowCount()).isEqualTo(160);
    assertThat(report.check("unique(id)").orElseThrow().failedRows()).isEqualTo(20);
    assertThat(report.check("unique(id)").orElseThrow().samples()).hasSize(10);
    assertThat(report.verdict()).isEqualTo(Verdict.WARN);
    assertThat(report.scansOfData()).isEqualTo(2);
    // the failed uniqueness check's repeated keys are sampled by one more scan, not by the first
    assertThat(report.scansForSamples()).isEqualTo(1);
  }

  @Test
  void aWrongTypeInOneJsonLineIsOneFailingRowToo() throws Exception {
    ValidationReport report =
        run(
            """
            dataset: events
            format: json
            checks:
              - {type: schema, columns: [{name: id, type: BIGINT}, {name: amount, type: BIGINT}]}
              - {type: aggregate, sql: "sum(amount)", min: 40, max: 40}
            """,
            "events.jsonl",
            "{\"id\": 1, \"amount\": 10}\n{\"id\": 2, \"amount\": \"ten\"}\n{\"id\": 3, \"amount\": 30}\n");
    CheckResult schema = report.check("schema(id,amount)").orElseThrow();
    assertThat(schema.failedRows()).isEqualTo(1);
    assertThat(schema.samples())
        .singleElement()
        .satisfies(r -> assertThat(r.row()).containsEntry("id", 2));
    assertThat(report.check("aggregate(sum(amount))").orElseThrow().passed()).isTrue();
  }

  @Test
  void boundsCompareExactlyWhetherBoundAsIntegersOrAsDecimals() throws Exception {
    // whole bounds on an integer column are bound as integers, fractional ones stay decimals
    ValidationReport report =
        run(
            """
            dataset: bounds
            format: csv
            checks:
              - {type: schema, columns: [{name: n, type: BIGINT}, {name: x, type: DOUBLE}]}
              - {name: whole, type: range, column: n, min: 1, max: 2}
              - {name: fractional, type: range, column: n, min: 0.5, max: 2.5}
              - {name: allowed, type: allowedValues, column: n, values: [1, 2.0, 2.5]}
              - {name: double, type: range, column: x, min: 0.1, max: 0.3}
            """,
            "bounds.csv",
            "n,x\n0,0.1\n1,0.2\n2,0.3\n3,0.30000001\n");
    assertThat(report.check("whole").orElseThrow().failedRows()).isEqualTo(2);
    assertThat(report.check("fractional").orElseThrow().failedRows()).isEqualTo(2);
    assertThat(report.check("allowed").orElseThrow().failedRows()).isEqualTo(2);
    assertThat(report.check("allowed").orElseThrow().samples())
        .extracting(r -> ((Number) r.row().get("n")).longValue())
        .containsExactlyInAnyOrder(0L, 3L);
    assertThat(report.check("double").orElseThrow().failedRows()).isEqualTo(1);
  }

  @Test
  void uniquenessSamplesAreTheMostRepeatedKeysFirstAndTiesGoByKey() throws Exception {
    ValidationReport report =
        run(
            """
            dataset: keys
            format: csv
            checks:
              - {type: unique, column: k}
            """,
            "keys.csv",
            "k\nc\nb\na\nc\nd\na\nb\na\n");
    CheckResult unique = report.check("unique(k)").orElseThrow();
    assertThat(unique.failedRows()).isEqualTo(7);
    assertThat(unique.samples())
        .extracting(r -> r.reason() + " " + r.row().get("key"))
        .containsExactly(
            "key occurs 3 times {k=a}", "key occurs 2 times {k=b}", "key occurs 2 times {k=c}");
  }
}
