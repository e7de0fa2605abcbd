package io.stevedore.worker.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.testing.S3Resource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LoadTestResource.class)
@QuarkusTestResource(S3Resource.class)
class PostgresLoadTest {

  private static final int SAMPLE = 100_000;

  @Inject Loads loads;

  private Connection duck;
  private Connection pg;

  @BeforeAll
  static void freshSchema() throws Exception {
    try (Connection pg = Db.postgres()) {
      Db.execute(pg, "DROP SCHEMA IF EXISTS pgload CASCADE");
      Db.execute(pg, "DROP SCHEMA IF EXISTS pgload_created CASCADE");
      Db.execute(pg, "CREATE SCHEMA pgload");
    }
  }

  @BeforeEach
  void inputs() throws Exception {
    duck = Db.duckdb();
    pg = Db.postgres();
    Db.execute(
        duck,
        "CREATE VIEW flights AS SELECT * FROM read_parquet('"
            + Db.flights()
            + "') LIMIT "
            + SAMPLE);
    Db.execute(
        duck,
        "CREATE VIEW airports AS SELECT * FROM read_csv('" + Db.airports() + "', header=true)");
  }

  @AfterEach
  void close() throws Exception {
    duck.close();
    pg.close();
  }

  private static LoadTarget table(String table, LoadTarget.Mode mode, List<String> key) {
    return new LoadTarget(LoadTarget.Kind.POSTGRES, table, null, mode, key, null, true, null);
  }

  private static final String FLIGHT_FIGURES =
      "SELECT count(*), sum(delay), sum(distance), count(DISTINCT origin),"
          + " min(date)::VARCHAR, max(date)::VARCHAR, count(*) FILTER (WHERE delay IS NULL)";

  @Test
  void appendCreatesTheTableAndCopiesEveryFlight() throws Exception {
    LoadOutcome first =
        loads.load(
            duck,
            "flights",
            table("pgload.flights", LoadTarget.Mode.APPEND, null),
            Db.identity(UUID.randomUUID(), "load-flights", 1));
    LoadOutcome second =
        loads.load(
            duck,
            "flights",
            table("pgload.flights", LoadTarget.Mode.APPEND, null),
            Db.identity(UUID.randomUUID(), "load-flights", 1));

    assertThat(first.rows()).isEqualTo(SAMPLE);
    assertThat(first.bytes()).isPositive();
    assertThat(first.locations()).containsExactly("warehouse:pgload.flights");
    assertThat(second.rows()).isEqualTo(SAMPLE);
    List<String> expected =
        Db.rows(
            duck, FLIGHT_FIGURES + " FROM (SELECT * FROM flights UNION ALL SELECT * FROM flights)");
    assertThat(Db.rows(pg, FLIGHT_FIGURES + " FROM pgload.flights")).isEqualTo(expected);
    assertThat(
            Db.rows(
                pg,
                "SELECT column_name || ' ' || data_type FROM information_schema.columns"
                    + " WHERE table_schema = 'pgload' AND table_name = 'flights' ORDER BY ordinal_position"))
        .containsExactly(
            "date timestamp without time zone",
            "delay bigint",
            "distance bigint",
            "origin text",
            "destination text");
  }

  @Test
  void retriedAppendOfTheSameRunAndStageWritesNothing() throws Exception {
    UUID run = UUID.randomUUID();
    LoadTarget target = table("pgload.flights_retried", LoadTarget.Mode.APPEND, null);

    LoadOutcome first = loads.load(duck, "flights", target, Db.identity(run, "load", 1));
    LoadOutcome retry = loads.load(duck, "flights", target, Db.identity(run, "load", 2));

    assertThat(first.rows()).isEqualTo(SAMPLE);
    assertThat(retry.rows()).isEqualTo(SAMPLE);
    assertThat(retry.bytes()).isZero();
    assertThat(Db.count(pg, "SELECT count(*) FROM pgload.flights_retried")).isEqualTo(SAMPLE);
    assertThat(
            Db.rows(
                pg,
                "SELECT run_id, stage_id, attempt, load_mode, row_count FROM pgload.stevedore_loads"
                    + " WHERE target_table = 'pgload.flights_retried'"))
        .containsExactly(run + "|load|1|append|" + SAMPLE);
  }

  @Test
  void overwriteReplacesEveryRow() throws Exception {
    LoadTarget all = table("pgload.airports_overwritten", LoadTarget.Mode.APPEND, null);
    loads.load(duck, "airports", all, Db.identity(UUID.randomUUID(), "load", 1));
    Db.execute(duck, "CREATE VIEW texas AS SELECT * FROM airports WHERE state = 'TX'");
    LoadTarget overwrite = table("pgload.airports_overwritten", LoadTarget.Mode.OVERWRITE, null);

    LoadOutcome outcome =
        loads.load(duck, "texas", overwrite, Db.identity(UUID.randomUUID(), "load", 1));

    long texas = Db.count(duck, "SELECT count(*) FROM texas");
    assertThat(texas).isGreaterThan(100);
    assertThat(outcome.rows()).isEqualTo(texas);
    assertThat(
            Db.rows(pg, "SELECT state, count(*) FROM pgload.airports_overwritten GROUP BY state"))
        .containsExactly("TX|" + texas);
  }

  @Test
  void mergeUpdatesChangedRowsAndInsertsNewOnes() throws Exception {
    LoadTarget merge = table("pgload.airports_merged", LoadTarget.Mode.MERGE, List.of("iata"));
    Db.execute(duck, "CREATE VIEW run1 AS SELECT * FROM airports WHERE state IN ('CA', 'TX')");
    Db.execute(
        duck,
        "CREATE VIEW run2 AS SELECT * REPLACE (upper(name) AS name, latitude + 1 AS latitude)"
            + " FROM airports WHERE state = 'TX' UNION ALL"
            + " SELECT * FROM airports WHERE state = 'NY'");
    UUID run = UUID.randomUUID();
    loads.load(duck, "run1", merge, Db.identity(UUID.randomUUID(), "load", 1));

    LoadOutcome second = loads.load(duck, "run2", merge, Db.identity(run, "load", 1));
    LoadOutcome retried = loads.load(duck, "run2", merge, Db.identity(run, "load", 2));

    assertThat(second.rows()).isEqualTo(Db.count(duck, "SELECT count(*) FROM run2"));
    assertThat(retried.rows()).isEqualTo(second.rows());
    String figures = "SELECT iata, name, state, latitude::VARCHAR";
    List<String> expected =
        Db.rows(
            duck,
            figures
                + " FROM (SELECT * FROM run1 WHERE state = 'CA' UNION ALL SELECT * FROM run2)"
                + " ORDER BY iata");
    assertThat(expected).anyMatch(r -> r.contains("|TX|")).anyMatch(r -> r.contains("|NY|"));
    assertThat(Db.rows(pg, figures + " FROM pgload.airports_merged ORDER BY iata"))
        .isEqualTo(expected);
    assertThat(
            Db.rows(
                pg,
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                    + " WHERE conrelid = 'pgload.airports_merged'::regclass"))
        .containsExactly("PRIMARY KEY (iata)");
  }

  @Test
  void mergeOfDelaysPerOriginAndDayUpdatesEveryAverage() throws Exception {
    String perDay =
        "SELECT origin, date::DATE AS day, avg(delay) AS avg_delay, count(*) AS flights FROM ";
    Db.execute(
        duck, "CREATE VIEW early AS " + perDay + "flights WHERE date < '2001-01-03' GROUP BY ALL");
    Db.execute(
        duck,
        "CREATE VIEW later AS "
            + perDay
            + "read_parquet('"
            + Db.flights()
            + "') WHERE date < '2001-01-05' GROUP BY ALL");
    LoadTarget merge = table("pgload.delays", LoadTarget.Mode.MERGE, List.of("origin", "day"));

    loads.load(duck, "early", merge, Db.identity(UUID.randomUUID(), "load", 1));
    loads.load(duck, "later", merge, Db.identity(UUID.randomUUID(), "load", 1));

    String figures =
        "SELECT count(*), sum(flights), floor(sum(avg_delay) * 1000)::BIGINT, min(day)::VARCHAR, max(day)::VARCHAR";
    assertThat(Db.rows(pg, figures + " FROM pgload.delays"))
        .isEqualTo(Db.rows(duck, figures + " FROM later"));
  }

  @Test
  void mergeIntoAnEmptyTableOfTheUserThenAgainKeepsOneRowPerKey() throws Exception {
    Db.execute(
        pg,
        "CREATE TABLE pgload.airports_by_user (iata text PRIMARY KEY, name text, city text,"
            + " state text, country text, latitude double precision, longitude double precision,"
            + " loaded_at timestamptz NOT NULL DEFAULT now())");
    Db.execute(
        duck,
        "CREATE VIEW renamed AS SELECT * REPLACE ('Airport ' || iata AS name) FROM airports"
            + " WHERE state = 'WA'");
    LoadTarget merge =
        new LoadTarget(
            LoadTarget.Kind.POSTGRES,
            "pgload.airports_by_user",
            null,
            LoadTarget.Mode.MERGE,
            List.of("iata"),
            null,
            false,
            null);

    loads.load(duck, "airports", merge, Db.identity(UUID.randomUUID(), "load", 1));
    loads.load(duck, "renamed", merge, Db.identity(UUID.randomUUID(), "load", 1));

    String figures = "SELECT iata, name, state FROM ";
    assertThat(Db.rows(pg, figures + "pgload.airports_by_user ORDER BY iata"))
        .isEqualTo(
            Db.rows(
                duck,
                figures
                    + "(FROM airports WHERE state IS DISTINCT FROM 'WA' UNION ALL FROM renamed)"
                    + " ORDER BY iata"));
  }

  @Test
  void failureOfDuckDbMidExportFailsTheLoadAndWritesNothing() throws Exception {
    Db.execute(
        duck,
        "CREATE VIEW breaks AS SELECT * REPLACE (CASE WHEN distance > 2000"
            + " THEN error('no distance over 2000 allowed, got ' || distance) ELSE distance END"
            + " AS distance) FROM flights");

    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () ->
            assertThatThrownBy(
                    () ->
                        loads.load(
                            duck,
                            "breaks",
                            table("pgload.broken_export", LoadTarget.Mode.APPEND, null),
                            Db.identity(UUID.randomUUID(), "l", 1)))
                .isInstanceOf(LoadException.class)
                .hasMessageContaining("DuckDB could not write the rows as CSV")
                .hasMessageContaining("no distance over 2000 allowed"));
    assertThat(Db.rows(pg, "SELECT to_regclass('pgload.broken_export') IS NULL"))
        .containsExactly("t");
  }

  @Test
  void rowRefusedByPostgresMidCopyFailsTheLoadAndWritesNothing() throws Exception {
    Db.execute(
        pg,
        "CREATE TABLE pgload.checked (date timestamp, delay bigint, distance bigint"
            + " CHECK (distance < 2000), origin text, destination text)");

    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () ->
            assertThatThrownBy(
                    () ->
                        loads.load(
                            duck,
                            "flights",
                            table("pgload.checked", LoadTarget.Mode.APPEND, null),
                            Db.identity(UUID.randomUUID(), "l", 1)))
                .isInstanceOf(LoadException.class)
                .hasMessageContaining(
                    "loading into table pgload.checked of connection 'warehouse' failed")
                .hasMessageContaining("violates check constraint"));
    assertThat(Db.count(pg, "SELECT count(*) FROM pgload.checked")).isZero();
  }

  @Test
  void schemaMismatchNamesTheColumnAndBothTypesAndWritesNothing() throws Exception {
    Db.execute(
        pg,
        "CREATE TABLE pgload.narrow (date timestamp, delay integer, distance bigint,"
            + " origin text, destination varchar(3))");
    Db.execute(pg, "INSERT INTO pgload.narrow VALUES (now(), 1, 2, 'A', 'B')");
    Db.execute(
        pg,
        "CREATE TABLE pgload.short (date timestamp, delay bigint, distance bigint, origin text)");
    LoadIdentity id = Db.identity(UUID.randomUUID(), "load", 1);

    assertThatThrownBy(
            () ->
                loads.load(
                    duck, "flights", table("pgload.narrow", LoadTarget.Mode.APPEND, null), id))
        .isInstanceOf(LoadException.class)
        .hasMessage(
            "the input does not fit table pgload.narrow: column 'delay' is BIGINT in the input"
                + " but integer in the table");
    assertThatThrownBy(
            () ->
                loads.load(
                    duck,
                    "flights",
                    table("pgload.short", LoadTarget.Mode.MERGE, List.of("origin")),
                    id))
        .isInstanceOf(LoadException.class)
        .hasMessageContaining("rows with key [origin=");
    assertThatThrownBy(
            () ->
                loads.load(
                    duck, "flights", table("pgload.short", LoadTarget.Mode.APPEND, null), id))
        .isInstanceOf(LoadException.class)
        .hasMessage(
            "the input does not fit table pgload.short: column 'destination' is VARCHAR in the"
                + " input but missing from the table");
    assertThat(Db.count(pg, "SELECT count(*) FROM pgload.narrow")).isEqualTo(1);
    assertThat(Db.count(pg, "SELECT count(*) FROM pgload.short")).isZero();
  }

  @Test
  void missingTableIsNamedWhenTheLoadMayNotCreateIt() throws Exception {
    LoadTarget target =
        new LoadTarget(
            LoadTarget.Kind.POSTGRES, "pgload.absent", null, null, null, null, false, null);

    assertThatThrownBy(
            () -> loads.load(duck, "airports", target, Db.identity(UUID.randomUUID(), "l", 1)))
        .isInstanceOf(LoadException.class)
        .hasMessage(
            "table pgload.absent does not exist in connection 'warehouse'; create it, or ask the"
                + " load to create it (createTable)");
  }

  @Test
  void mergeNeedsAUniqueKeyOnTheTargetAndSaysSoBeforeWriting() throws Exception {
    Db.execute(
        pg,
        "CREATE TABLE pgload.no_key (iata text, name text, city text, state text, country text,"
            + " latitude double precision, longitude double precision)");

    assertThatThrownBy(
            () ->
                loads.load(
                    duck,
                    "airports",
                    table("pgload.no_key", LoadTarget.Mode.MERGE, List.of("iata")),
                    Db.identity(UUID.randomUUID(), "l", 1)))
        .isInstanceOf(LoadException.class)
        .hasMessageContaining(
            "a merge into pgload.no_key on key [iata] needs a primary key or unique index");
    assertThat(Db.count(pg, "SELECT count(*) FROM pgload.no_key")).isZero();
  }

  @Test
  void unknownConnectionIsNamedWithItsSetting() {
    LoadTarget target =
        new LoadTarget(
            LoadTarget.Kind.POSTGRES, "pgload.x", null, null, null, null, true, "reporting");

    assertThatThrownBy(
            () -> loads.load(duck, "airports", target, Db.identity(UUID.randomUUID(), "l", 1)))
        .isInstanceOf(InvalidTargetException.class)
        .hasMessage(
            "no connection named 'reporting': set stevedore.worker.connections.reporting.url"
                + " (environment STEVEDORE_WORKER_CONNECTIONS_REPORTING_URL)");
  }

  @Test
  void everyTypeRoundTripsThroughCopy() throws Exception {
    Db.execute(
        duck,
        "CREATE VIEW typed AS SELECT 7::INTEGER AS id, true AS flag, 12.34::DECIMAL(10,2) AS amount,"
            + " DATE '2024-02-29' AS day, TIMESTAMP '2024-02-29 12:34:56.789' AS ts,"
            + " TIMESTAMPTZ '2024-02-29 12:34:56+00' AS tstz, 'a \"quoted\", comma' AS quoted,"
            + " '' AS empty, NULL::VARCHAR AS nothing, 'one' || chr(10) || 'two' AS lines,"
            + " '\\xDE\\xAD'::BLOB AS bytes, [1, 2, 3] AS list, {'a': 1, 'b': 'x'} AS struct,"
            + " '6f1c7a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b'::UUID AS uuid, INTERVAL 3 DAY AS span,"
            + " 1.5::DOUBLE AS dbl, 2.5::FLOAT AS flt, 255::UTINYINT AS tiny,"
            + " 123456789012345678901::HUGEINT AS huge");

    loads.load(
        duck,
        "typed",
        table("pgload_created.typed", LoadTarget.Mode.APPEND, null),
        Db.identity(UUID.randomUUID(), "l", 1));

    assertThat(
            Db.rows(
                pg,
                "SELECT id, flag, amount, day, ts, tstz AT TIME ZONE 'UTC', quoted, empty = '',"
                    + " nothing IS NULL, lines, bytes, list, struct, uuid, span, dbl, flt, tiny,"
                    + " huge FROM pgload_created.typed"))
        .containsExactly(
            String.join(
                "|",
                "7",
                "t",
                "12.34",
                "2024-02-29",
                "2024-02-29 12:34:56.789",
                "2024-02-29 12:34:56",
                "a \"quoted\", comma",
                "t",
                "t",
                "one\ntwo",
                "\\xdead",
                "[1, 2, 3]",
                "{\"a\": 1, \"b\": \"x\"}",
                "6f1c7a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
                "3 days",
                "1.5",
                "2.5",
                "255",
                "123456789012345678901"));
    assertThat(
            Db.rows(
                pg,
                "SELECT string_agg(format_type(atttypid, atttypmod), ',' ORDER BY attnum)"
                    + " FROM pg_attribute WHERE attrelid = 'pgload_created.typed'::regclass AND attnum > 0"))
        .containsExactly(
            "integer,boolean,numeric(10,2),date,timestamp without time zone,timestamp with time"
                + " zone,text,text,text,text,bytea,jsonb,jsonb,uuid,interval,double"
                + " precision,real,smallint,numeric");
  }
}
