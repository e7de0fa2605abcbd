package io.stevedore.worker.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.testing.S3Resource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Loads into a second database behind plain JDBC: a DuckDB database file ({@code archive}). */
@QuarkusTest
@QuarkusTestResource(LoadTestResource.class)
@QuarkusTestResource(S3Resource.class)
class JdbcLoadTest {

  @Inject Loads loads;

  private Connection duck;

  @BeforeEach
  void inputs() throws Exception {
    duck = Db.duckdb();
    Db.execute(
        duck,
        "CREATE VIEW flights AS SELECT * FROM read_parquet('" + Db.flights() + "') LIMIT 25000");
    Db.execute(
        duck,
        "CREATE VIEW airports AS SELECT * FROM read_csv('" + Db.airports() + "', header=true)");
  }

  @AfterEach
  void close() throws Exception {
    duck.close();
  }

  private static Connection archive() throws Exception {
    return Db.duckdb("jdbc:duckdb:" + LoadTestResource.ARCHIVE);
  }

  private static LoadTarget table(String table, LoadTarget.Mode mode) {
    return new LoadTarget(LoadTarget.Kind.JDBC, table, null, mode, null, null, true, "archive");
  }

  @Test
  void appendsInBatchesOncePerRunAndStage() throws Exception {
    UUID run = UUID.randomUUID();
    LoadTarget target = table("history.flights", LoadTarget.Mode.APPEND);

    LoadOutcome first = loads.load(duck, "flights", target, Db.identity(run, "archive", 1));
    LoadOutcome retried = loads.load(duck, "flights", target, Db.identity(run, "archive", 2));
    LoadOutcome another =
        loads.load(duck, "flights", target, Db.identity(UUID.randomUUID(), "archive", 1));

    assertThat(first.rows()).isEqualTo(25_000);
    assertThat(retried.rows()).isEqualTo(25_000);
    assertThat(another.rows()).isEqualTo(25_000);
    assertThat(first.locations()).containsExactly("archive:history.flights");
    String figures =
        "SELECT count(*), sum(delay), sum(distance), count(DISTINCT origin || destination),"
            + " min(date)::VARCHAR, max(date)::VARCHAR";
    List<String> expected = Db.rows(duck, figures + " FROM (FROM flights UNION ALL FROM flights)");
    try (Connection archive = archive()) {
      assertThat(Db.rows(archive, figures + " FROM history.flights")).isEqualTo(expected);
      assertThat(
              Db.rows(
                  archive,
                  "SELECT attempt, row_count FROM history.stevedore_loads WHERE run_id = '"
                      + run
                      + "'"))
          .containsExactly("1|25000");
    }
  }

  @Test
  void overwriteReplacesTheRowsOfAnotherDatabase() throws Exception {
    loads.load(
        duck,
        "airports",
        table("airports", LoadTarget.Mode.APPEND),
        Db.identity(UUID.randomUUID(), "archive", 1));
    Db.execute(duck, "CREATE VIEW ohio AS SELECT * FROM airports WHERE state = 'OH'");

    loads.load(
        duck,
        "ohio",
        table("airports", LoadTarget.Mode.OVERWRITE),
        Db.identity(UUID.randomUUID(), "archive", 1));

    String all = "SELECT * FROM ";
    List<String> expected = Db.rows(duck, all + "ohio ORDER BY iata");
    assertThat(expected).hasSizeGreaterThan(50);
    try (Connection archive = archive()) {
      assertThat(Db.rows(archive, all + "airports ORDER BY iata")).isEqualTo(expected);
    }
  }

  @Test
  void mismatchedColumnIsNamedWithBothTypes() throws Exception {
    try (Connection archive = archive()) {
      Db.execute(
          archive,
          "CREATE TABLE texts (date TIMESTAMP, delay VARCHAR, distance BIGINT, origin VARCHAR,"
              + " destination VARCHAR)");
    }

    assertThatThrownBy(
            () ->
                loads.load(
                    duck,
                    "flights",
                    table("texts", LoadTarget.Mode.APPEND),
                    Db.identity(UUID.randomUUID(), "archive", 1)))
        .isInstanceOf(LoadException.class)
        .hasMessage(
            "the input does not fit table texts: column 'delay' is BIGINT in the input but"
                + " VARCHAR in the table");
    try (Connection archive = archive()) {
      assertThat(Db.count(archive, "SELECT count(*) FROM texts")).isZero();
    }
  }

  @Test
  void urlWithoutADriverIsNamedWithoutItsSecrets() {
    assertThatThrownBy(
            () ->
                loads.load(
                    duck,
                    "airports",
                    new LoadTarget(
                        LoadTarget.Kind.JDBC,
                        "airports",
                        null,
                        null,
                        null,
                        null,
                        true,
                        "elsewhere"),
                    Db.identity(UUID.randomUUID(), "archive", 1)))
        .isInstanceOf(InvalidTargetException.class)
        .hasMessage(
            "no JDBC driver on the worker's classpath accepts the URL of connection 'elsewhere'"
                + " (jdbc:nosuchdb:...)");
  }

  @Test
  void mergeIsForPostgresTargets() {
    assertThatThrownBy(
            () ->
                loads.load(
                    duck,
                    "airports",
                    new LoadTarget(
                        LoadTarget.Kind.JDBC,
                        "airports",
                        null,
                        LoadTarget.Mode.MERGE,
                        List.of("iata"),
                        null,
                        true,
                        "archive"),
                    Db.identity(UUID.randomUUID(), "archive", 1)))
        .isInstanceOf(InvalidTargetException.class)
        .hasMessage("a jdbc target appends or overwrites; merge needs a postgres target");
  }
}
