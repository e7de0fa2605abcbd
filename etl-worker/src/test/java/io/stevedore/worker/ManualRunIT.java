package io.stevedore.worker;

import static io.stevedore.worker.Fixture.duckdb;
import static io.stevedore.worker.Fixture.path;
import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.testing.SharedData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manual runs: options only, no stage environment, no reporting. */
class ManualRunIT {

  private final Fixture fx = new Fixture();

  @TempDir Path tmp;

  @Test
  void extractsAndTransformsWithOptionsOnly() {
    Path zipcodes = SharedData.file("zipcodes.csv");
    fx.put(Fixture.RAW, "manual/" + fx.runId + "/zipcodes.csv", zipcodes);
    String zips = "s3://stevedore-stages/manual/" + fx.runId + "/zips.parquet";

    WorkerProcess.Result extract =
        WorkerProcess.run(
            Map.of(),
            "extract",
            "--run-id",
            fx.runId.toString(),
            "--stage-id",
            "extract-zips",
            "--source",
            "s3://raw/manual/" + fx.runId + "/zipcodes.csv",
            "--format",
            "csv",
            "--column",
            "zip_code=varchar",
            "--output",
            zips);

    assertThat(extract.exitCode()).as(extract.stderr()).isZero();
    assertThat(extract.stderr()).contains("STEVEDORE_TASK_EVENTS_QUEUE_URL is not set");
    assertThat(Fixture.json(extract.stdout().strip()).path("outputs").path("data").asText())
        .isEqualTo(zips);

    WorkerProcess.Result transform =
        WorkerProcess.run(
            Map.of(),
            "transform",
            "--run-id",
            fx.runId.toString(),
            "--stage-id",
            "zips-by-state",
            "--input",
            "zips=" + zips,
            "--sql",
            "select state, count(*) as zips, min(zip_code) as first from zips group by state;");

    assertThat(transform.exitCode()).as(transform.stderr()).isZero();
    Path out = fx.get(Fixture.STAGES, "runs/" + fx.runId + "/zips-by-state/data.parquet", tmp);
    String query = "SELECT state, zips, first FROM %s ORDER BY state";
    List<List<String>> expected =
        duckdb(
            "CREATE VIEW zips AS SELECT * FROM read_csv("
                + path(zipcodes)
                + ", header = true, types = {'zip_code': 'VARCHAR'})",
            "CREATE TABLE e AS SELECT state, count(*) AS zips, min(zip_code) AS first FROM zips"
                + " GROUP BY state",
            query.formatted("e"));
    assertThat(expected).anyMatch(row -> row.get(2).startsWith("0"));
    assertThat(duckdb(query.formatted("read_parquet(" + path(out) + ")"))).isEqualTo(expected);
  }
}
