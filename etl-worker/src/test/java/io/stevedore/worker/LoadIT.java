package io.stevedore.worker;

import static io.stevedore.worker.Fixture.duckdb;
import static io.stevedore.worker.Fixture.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SharedData;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load command wired to the load targets: the packaged worker loads its dependency's output
 * (from STEVEDORE_INPUTS) into the embedded Postgres warehouse, as the orchestrator starts it.
 */
class LoadIT {

  private final Fixture fx = new Fixture();

  @TempDir Path tmp;

  @Test
  void loadsTheUpstreamOutputIntoPostgresWithMergeAndReportsTheRows() throws Exception {
    Path delays = tmp.resolve("delays.parquet");
    duckdb(
        "COPY (SELECT a.state, date_trunc('day', f.date)::date AS day, avg(f.delay) AS avg_delay,"
            + " count(*) AS flights FROM read_parquet("
            + path(SharedData.file("flights-3m.parquet"))
            + ") f JOIN read_csv("
            + path(SharedData.file("airports.csv"))
            + ") a ON a.iata = f.origin WHERE f.date < '2001-01-08' AND a.state IS NOT NULL"
            + " GROUP BY ALL) TO "
            + path(delays),
        "SELECT 1");
    String upstream = "s3://stevedore-stages/" + fx.outputPrefix("delays-by-state");
    fx.put(Fixture.STAGES, fx.outputPrefix("delays-by-state") + "data.parquet", delays);
    String table = "delays_" + fx.runId.toString().replace("-", "");
    ObjectNode stage = Fixture.stage("load-warehouse", "load");
    stage.putArray("dependsOn").add("delays-by-state");
    ObjectNode target = stage.putObject("target");
    target.put("kind", "postgres");
    target.put("table", "public." + table);
    target.put("mode", "merge");
    target.putArray("key").add("state").add("day");
    target.put("createTable", true);
    Map<String, String> env = fx.stageEnv(stage, UUID.randomUUID());
    env.put("STEVEDORE_INPUTS", "{\"delays-by-state.data\": \"" + upstream + "\"}");

    WorkerProcess.Result r = WorkerProcess.run(env, "load");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    List<List<String>> expected =
        duckdb(
            "SELECT state, day::varchar, round(avg_delay, 6), flights FROM read_parquet("
                + path(delays)
                + ") ORDER BY state, day");
    List<List<String>> loaded = new ArrayList<>();
    try (Connection pg =
            DriverManager.getConnection(
                PostgresResource.jdbcUrl(), PostgresResource.USER, PostgresResource.PASSWORD);
        Statement s = pg.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT state, day::text, round(avg_delay::numeric, 6)::float8, flights FROM "
                    + table
                    + " ORDER BY state, day")) {
      while (rs.next()) {
        loaded.add(
            List.of(
                rs.getString(1),
                rs.getString(2),
                Double.toString(rs.getDouble(3)),
                Long.toString(rs.getLong(4))));
      }
    }
    assertThat(loaded).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(loaded.get(i).subList(0, 2)).isEqualTo(expected.get(i).subList(0, 2));
      assertThat(Double.parseDouble(loaded.get(i).get(2)))
          .isCloseTo(
              Double.parseDouble(expected.get(i).get(2)),
              org.assertj.core.data.Offset.offset(1e-6));
      assertThat(loaded.get(i).get(3)).isEqualTo(expected.get(i).get(3));
    }
    var printed = Fixture.json(r.stdout().strip());
    assertThat(printed.path("result").path("rowsIn").asLong()).isEqualTo(expected.size());
    assertThat(printed.path("result").path("rowsOut").asLong()).isEqualTo(expected.size());
  }
}
