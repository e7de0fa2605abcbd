package io.stevedore.worker;

import static io.stevedore.worker.Fixture.duckdb;
import static io.stevedore.worker.Fixture.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad inputs: each fails the stage with exit 1, a message that names the object (and the line or
 * column where DuckDB knows it) without a stack trace, and nothing under the output prefix.
 */
class BadInputIT {

  private final Fixture fx = new Fixture();

  @TempDir Path tmp;

  private WorkerProcess.Result extract(String key, String format) {
    ObjectNode stage = Fixture.stage("extract-bad", "extract");
    ObjectNode source = stage.putObject("source");
    source.put("kind", "s3");
    source.put("uri", "s3://raw/" + key);
    source.put("format", format);
    WorkerProcess.Result r = WorkerProcess.run(fx.stageEnv(stage, UUID.randomUUID()), "extract");
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
    assertThat(r.stderr())
        .contains("etl-worker extract failed (stage extract-bad, attempt 1): ")
        .doesNotContain("\tat ", "Exception:", tmp.toString(), "/tmp/stevedore-");
    assertThat(fx.keys(Fixture.STAGES, fx.outputPrefix("extract-bad"))).isEmpty();
    assertThat(r.stdout()).doesNotContain("RESULT");
    return r;
  }

  @Test
  void truncatedParquetFailsNamingTheObject() throws IOException {
    Path full = tmp.resolve("full.parquet");
    duckdb(
        "COPY (SELECT * FROM read_parquet("
            + path(SharedData.file("flights-3m.parquet"))
            + ") LIMIT 50000) TO "
            + path(full),
        "SELECT 1");
    byte[] bytes = Files.readAllBytes(full);
    String key = "bad/" + fx.runId + "/truncated.parquet";
    fx.put(Fixture.RAW, key, Arrays.copyOf(bytes, bytes.length / 2));

    WorkerProcess.Result r = extract(key, "parquet");

    assertThat(r.stderr()).contains("No magic bytes found at end of file 's3://raw/" + key + "'");
  }

  @Test
  void csvWithRaggedRowFailsNamingTheLine() {
    String key = "bad/" + fx.runId + "/ragged.csv";
    fx.put(
        Fixture.RAW,
        key,
        "iata,state,flights\nLAX,CA,10\nSFO,CA,12\nJFK,NY,8,extra\nBOS,MA,3\n".getBytes());

    WorkerProcess.Result r = extract(key, "csv");

    assertThat(r.stderr())
        .contains(
            "s3://raw/"
                + key
                + " line 4: Expected Number of Columns: 3 Found: 4: 'JFK,NY,8,extra'");
  }

  @Test
  void jsonWithTypeChangeMidFileFailsNamingTheValue() {
    StringBuilder json = new StringBuilder();
    for (int i = 0; i < 30_000; i++) {
      json.append("{\"flight\":").append(i).append(",\"delay\":").append(i % 90).append("}\n");
    }
    json.append("{\"flight\":30000,\"delay\":\"late\"}\n");
    String key = "bad/" + fx.runId + "/type-change.json";
    fx.put(Fixture.RAW, key, json.toString().getBytes());

    WorkerProcess.Result r = extract(key, "json");

    assertThat(r.stderr()).contains("s3://raw/" + key, "line 30001", "\"late\"");
  }

  @Test
  void jsonWithTypeChangeWithinTheSampleFailsNamingTheColumn() {
    String key = "bad/" + fx.runId + "/small-type-change.json";
    fx.put(
        Fixture.RAW,
        key,
        "{\"flight\":1,\"delay\":5}\n{\"flight\":2,\"delay\":\"late\"}\n".getBytes());

    WorkerProcess.Result r = extract(key, "json");

    assertThat(r.stderr())
        .contains(
            "cannot read json input s3://raw/"
                + key
                + ": column 'delay' changes type between rows (for example a number, then a"
                + " text); give it a type in source.columns, such as delay: varchar");

    ObjectNode stage = Fixture.stage("extract-bad", "extract");
    ObjectNode source = stage.putObject("source");
    source.put("kind", "s3");
    source.put("uri", "s3://raw/" + key);
    source.put("format", "json");
    source.putObject("columns").put("delay", "varchar");
    WorkerProcess.Result typed =
        WorkerProcess.run(fx.stageEnv(stage, UUID.randomUUID()), "extract");

    assertThat(typed.exitCode()).as(typed.stderr()).isZero();
    Path out = fx.get(Fixture.STAGES, fx.outputPrefix("extract-bad") + "data.parquet", tmp);
    assertThat(duckdb("SELECT flight, delay FROM read_parquet(" + path(out) + ") ORDER BY flight"))
        .containsExactly(java.util.List.of("1", "5"), java.util.List.of("2", "late"));
  }

  @Test
  void emptyInputFailsNamingTheObject() {
    String key = "bad/" + fx.runId + "/empty.csv";
    fx.put(Fixture.RAW, key, new byte[0]);

    WorkerProcess.Result r = extract(key, "csv");

    assertThat(r.stderr()).contains("input s3://raw/" + key + " is empty (0 bytes)");
  }

  @Test
  void prefixWithoutDataFailsNamingThePrefix() {
    String prefix = "bad/" + fx.runId + "/nothing/";
    fx.put(Fixture.RAW, prefix + "_SUCCESS", new byte[0]);

    WorkerProcess.Result r = extract(prefix, "parquet");

    assertThat(r.stderr())
        .contains("input s3://raw/" + prefix + " is empty: there is no object there");
  }
}
