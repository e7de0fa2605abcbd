package io.stevedore.worker;

import static io.stevedore.worker.Fixture.duckdb;
import static io.stevedore.worker.Fixture.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.testing.SharedData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ARCHITECTURE.md example as the orchestrator runs it: extract-flights and extract-airports
 * (packaged worker), check-flights handing on extract-flights' output, and delays-by-state joining
 * them with the example's SQL as written; checked against the same aggregation computed by DuckDB
 * straight from the source files.
 */
class TransformIT {

  private static final String EXAMPLE_SQL =
      """
      select a.state, date_trunc('day', f.date) as day, avg(f.delay) as avg_delay, count(*) as flights
      from flights f join airports a on a.iata = f.origin group by all
      """;

  private final Fixture fx = new Fixture();

  @TempDir Path tmp;

  private Path flights;
  private final Path airports = SharedData.file("airports.csv");

  @BeforeEach
  void extractFlightsAndAirports() {
    flights = tmp.resolve("flights.parquet");
    duckdb(
        "COPY (SELECT * FROM read_parquet("
            + path(SharedData.file("flights-3m.parquet"))
            + ") WHERE date < '2001-01-15') TO "
            + path(flights),
        "SELECT 1");
    fx.put(Fixture.RAW, "flights/" + fx.runId + "/2001-01-05.parquet", flights);
    fx.put(Fixture.RAW, "airports/" + fx.runId + "/airports.csv", airports);
    extract(
        "extract-flights",
        "s3://raw/flights/" + fx.runId + "/{{ logical_date }}.parquet",
        "parquet");
    extract("extract-airports", "s3://raw/airports/" + fx.runId + "/airports.csv", "csv");
  }

  private void extract(String id, String uri, String format) {
    ObjectNode stage = Fixture.stage(id, "extract");
    ObjectNode source = stage.putObject("source");
    source.put("kind", "s3");
    source.put("uri", uri);
    source.put("format", format);
    WorkerProcess.Result r = WorkerProcess.run(fx.stageEnv(stage, UUID.randomUUID()), "extract");
    assertThat(r.exitCode()).as(id + ": " + r.stderr()).isZero();
  }

  private WorkerProcess.Result transform(String id, String sql) {
    ObjectNode stage = Fixture.stage(id, "transform");
    stage.putArray("dependsOn").add("check-flights").add("extract-airports");
    stage.put("sql", sql);
    Map<String, String> env = fx.stageEnv(stage, UUID.randomUUID());
    // check-flights (a validate stage) reported the dataset it checked; extract-airports'
    // RESULT was not read yet, so the worker falls back to its default prefix.
    env.put(
        "STEVEDORE_INPUTS",
        "{\"check-flights.data\": \"s3://stevedore-stages/"
            + fx.outputPrefix("extract-flights")
            + "\"}");
    return WorkerProcess.run(env, "transform");
  }

  @Test
  void runsTheArchitectureExampleAsWrittenAndMatchesDuckDbOnTheSourceFiles() {
    WorkerProcess.Result r = transform("delays-by-state", EXAMPLE_SQL);

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    String prefix = fx.outputPrefix("delays-by-state");
    assertThat(fx.keys(Fixture.STAGES, prefix)).containsExactly(prefix + "data.parquet");
    Path out = fx.get(Fixture.STAGES, prefix + "data.parquet", tmp);
    String rows =
        "SELECT state, day::varchar, round(avg_delay, 9), flights FROM %s ORDER BY state, day";
    List<List<String>> expected =
        duckdb(
            "CREATE VIEW flights AS SELECT * FROM read_parquet(" + path(flights) + ")",
            "CREATE VIEW airports AS SELECT * FROM read_csv(" + path(airports) + ")",
            "CREATE TABLE expected AS " + EXAMPLE_SQL,
            rows.formatted("expected"));
    assertThat(expected).hasSizeGreaterThan(100);
    assertThat(duckdb(rows.formatted("read_parquet(" + path(out) + ")"))).isEqualTo(expected);
    var printed = Fixture.json(r.stdout().strip());
    assertThat(printed.path("result").path("rowsOut").asLong()).isEqualTo(expected.size());
    assertThat(printed.path("result").path("rowsIn").asLong())
        .isEqualTo(
            Fixture.duckdbLong("SELECT count(*) FROM read_parquet(" + path(flights) + ")")
                + Fixture.duckdbLong("SELECT count(*) FROM read_csv(" + path(airports) + ")"));
  }

  @Test
  void inputsAreAlsoNamedByTheirFullIdsAndTemplatesAreRendered() {
    WorkerProcess.Result r =
        transform(
            "ca-flights",
            "select count(*) as n from check_flights f join extract_airports a"
                + " on a.iata = f.origin where a.state = '{{ params.state }}'");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    Path out = fx.get(Fixture.STAGES, fx.outputPrefix("ca-flights") + "data.parquet", tmp);
    assertThat(duckdb("SELECT n FROM read_parquet(" + path(out) + ")"))
        .isEqualTo(
            duckdb(
                "SELECT count(*) FROM read_parquet("
                    + path(flights)
                    + ") f JOIN read_csv("
                    + path(airports)
                    + ") a ON a.iata = f.origin WHERE a.state = 'CA'"));
  }

  @Test
  void failingSqlExitsOneNamingTheProblemAndWritesNothing() {
    WorkerProcess.Result r = transform("broken", "select f.no_such_column from flights f");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr())
        .contains("etl-worker transform failed (stage broken, attempt 1): the stage's SQL failed:")
        .contains("no_such_column")
        .doesNotContain("\tat ", "/tmp/stevedore-");
    assertThat(fx.keys(Fixture.STAGES, fx.outputPrefix("broken"))).isEmpty();
  }
}
