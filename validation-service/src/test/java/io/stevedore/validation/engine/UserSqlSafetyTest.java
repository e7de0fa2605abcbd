package io.stevedore.validation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.validation.suite.Suite;
import io.stevedore.validation.suite.SuiteParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserSqlSafetyTest {

  @TempDir Path dir;

  private ValidationReport run(String checks) throws Exception {
    Path file = dir.resolve("data.csv");
    Files.writeString(file, "id,\"we\"\"ird\"\n1,a\n2,b\n");
    Files.writeString(dir.resolve("secret.csv"), "token\nhunter2\n");
    Suite suite = SuiteParser.parse("dataset: data\nformat: csv\nchecks:\n" + checks).orElseThrow();
    return new ValidationEngine(Clock.systemUTC())
        .run(suite, DatasetSource.forSuite(suite, file), List.of());
  }

  @Test
  void predicatesMayNotReadOtherFiles() throws Exception {
    ValidationReport report =
        run(
            "  - {type: predicate, name: sneaky, sql: \"id IN (SELECT 1 FROM read_csv('"
                + dir.resolve("secret.csv")
                + "'))\"}\n"
                + "  - {type: aggregate, name: sneaky2, sql: \"(SELECT count(*) FROM read_text('/etc/passwd'))\", min: 0}\n"
                + "  - {type: predicate, name: closes, sql: \"true) IS NOT TRUE) FROM data UNION SELECT count(*) FILTER (WHERE (true\"}\n"
                + "  - {type: rowCount, min: 2}\n");
    assertThat(report.check("sneaky").orElseThrow().error())
        .isEqualTo("the SQL may not contain subqueries");
    assertThat(report.check("sneaky2").orElseThrow().error())
        .isEqualTo("the SQL may not contain subqueries");
    assertThat(report.check("closes").orElseThrow().error()).isNotNull();
    assertThat(report.check("rowCount").orElseThrow().passed()).isTrue();
  }

  @Test
  void scalarFunctionsCannotReachFilesEither() throws Exception {
    ValidationReport report =
        run(
            "  - {type: aggregate, name: f, sql: \"count(getvariable('x'))\", min: 0}\n"
                + "  - {type: predicate, name: g, sql: \"length(CAST(current_setting('enable_external_access') AS VARCHAR)) > 0\"}\n");
    // whatever a function can see, the run still reads nothing but its own files
    assertThat(report.rowCount()).isEqualTo(2);
  }

  @Test
  void quotesInColumnNamesAndValuesAreData() throws Exception {
    ValidationReport report =
        run(
            "  - {type: allowedValues, column: 'we\"ird', values: [\"a\", \"b'); DROP TABLE x; --\"]}\n"
                + "  - {type: pattern, column: 'we\"ird', regex: \"^[a']$\"}\n"
                + "  - {type: completeness, column: 'we\"ird'}\n");
    // the quotes stay data: only the row with b fails the value checks
    assertThat(report.checks()).allMatch(c -> c.error() == null);
    assertThat(report.check("allowedValues(we\"ird)").orElseThrow().failedRows()).isEqualTo(1);
    assertThat(report.check("pattern(we\"ird)").orElseThrow().samples())
        .extracting(r -> r.row().get("we\"ird"))
        .containsExactly("b");
    assertThat(report.check("completeness(we\"ird)").orElseThrow().passed()).isTrue();
  }

  @Test
  void badSqlFailsOnlyItsOwnCheck() throws Exception {
    ValidationReport report =
        run(
            "  - {type: predicate, name: typo, sql: \"idd > 0\"}\n"
                + "  - {type: aggregate, name: notAggregate, sql: \"id\", min: 0}\n"
                + "  - {type: predicate, name: ok, sql: \"id > 0\"}\n");
    assertThat(report.check("typo").orElseThrow().error()).contains("idd");
    assertThat(report.check("notAggregate").orElseThrow().error()).isNotNull();
    assertThat(report.check("ok").orElseThrow().passed()).isTrue();
    assertThat(report.check("ok").orElseThrow().failedRows()).isZero();
  }

  @Test
  void valuesThatDoNotFitTheColumnFailOnlyTheirCheck() throws Exception {
    ValidationReport report =
        run(
            "  - {type: range, name: textBound, column: id, min: abc}\n"
                + "  - {type: range, name: numberOnText, column: 'we\"ird', min: 1}\n"
                + "  - {type: allowedValues, name: badValue, column: id, values: [1, x]}\n"
                + "  - {type: allowedValues, name: fine, column: id, values: [1, \"2\"]}\n");
    assertThat(report.check("textBound").orElseThrow().error())
        .isEqualTo("value 'abc' does not fit column 'id' of type BIGINT");
    assertThat(report.check("numberOnText").orElseThrow().error())
        .isEqualTo("value '1' does not fit column 'we\"ird' of type VARCHAR");
    assertThat(report.check("badValue").orElseThrow().error())
        .isEqualTo("value 'x' does not fit column 'id' of type BIGINT");
    assertThat(report.check("fine").orElseThrow().passed()).isTrue();
  }
}
