package io.stevedore.worker;

import static io.stevedore.worker.Fixture.duckdb;
import static io.stevedore.worker.Fixture.duckdbLong;
import static io.stevedore.worker.Fixture.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SharedData;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extract stages of each source kind and format, run as the packaged worker. */
class ExtractIT {

  private final Fixture fx = new Fixture();

  @TempDir Path tmp;

  private WorkerProcess.Result extract(ObjectNode source) {
    ObjectNode stage = Fixture.stage("extract-data", "extract");
    stage.set("source", source);
    return WorkerProcess.run(fx.stageEnv(stage, UUID.randomUUID()), "extract");
  }

  private static ObjectNode s3Source(String uri, String format) {
    ObjectNode source = Fixture.JSON.createObjectNode();
    source.put("kind", "s3");
    source.put("uri", uri);
    source.put("format", format);
    return source;
  }

  /** The extract's output, downloaded; asserts it is the only object under the prefix. */
  private Path output() {
    String prefix = fx.outputPrefix("extract-data");
    assertThat(fx.keys(Fixture.STAGES, prefix)).containsExactly(prefix + "data.parquet");
    return fx.get(Fixture.STAGES, prefix + "data.parquet", tmp);
  }

  @Test
  void extractsParquetPrefixWithTemplatedUriSkippingMarkersAndReplacingOlderAttempts()
      throws IOException {
    Path flights = SharedData.file("flights-3m.parquet");
    Path week1 = tmp.resolve("a.parquet");
    Path week2 = tmp.resolve("b.parquet");
    duckdb(
        "COPY (SELECT * FROM read_parquet("
            + path(flights)
            + ") WHERE date < '2001-01-04') TO "
            + path(week1),
        "COPY (SELECT * FROM read_parquet("
            + path(flights)
            + ") WHERE date >= '2001-01-04' AND date < '2001-01-08') TO "
            + path(week2),
        "SELECT 1");
    String prefix = "flights/" + fx.runId + "/2001-01-05/";
    fx.put(Fixture.RAW, prefix + "part-1.parquet", week1);
    fx.put(Fixture.RAW, prefix + "part-2.parquet", week2);
    fx.put(Fixture.RAW, prefix + "_SUCCESS", new byte[0]);
    // left by an older attempt: must be gone afterwards
    fx.put(Fixture.STAGES, fx.outputPrefix("extract-data") + "part-old.parquet", week1);

    WorkerProcess.Result r =
        extract(s3Source("s3://raw/flights/" + fx.runId + "/{{ logical_date }}/", "parquet"));

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    Path out = output();
    long expected =
        duckdbLong("SELECT count(*) FROM read_parquet([" + path(week1) + ", " + path(week2) + "])");
    assertThat(duckdbLong("SELECT count(*) FROM read_parquet(" + path(out) + ")"))
        .isEqualTo(expected)
        .isGreaterThan(10_000);
    assertThat(
            duckdb(
                "SELECT sum(delay), sum(distance), count(DISTINCT origin) FROM read_parquet("
                    + path(out)
                    + ")"))
        .isEqualTo(
            duckdb(
                "SELECT sum(delay), sum(distance), count(DISTINCT origin) FROM read_parquet(["
                    + path(week1)
                    + ", "
                    + path(week2)
                    + "])"));
    JsonNode printed = Fixture.json(r.stdout().strip().lines().reduce((a, b) -> b).orElseThrow());
    assertThat(printed.path("kind").asText()).isEqualTo("RESULT");
    assertThat(printed.path("outputs").path("data").asText())
        .isEqualTo("s3://stevedore-stages/" + fx.outputPrefix("extract-data"));
    assertThat(printed.path("result").path("rowsOut").asLong()).isEqualTo(expected);
    assertThat(printed.path("result").path("rowsIn").asLong()).isEqualTo(expected);
    assertThat(printed.path("result").path("bytesIn").asLong())
        .isEqualTo(Files.size(week1) + Files.size(week2));
    assertThat(printed.path("result").path("schema").toString())
        .contains("{\"name\":\"origin\",\"type\":\"VARCHAR\"}");
  }

  @Test
  void extractsZipcodesCsvWithExplicitVarcharKeepingLeadingZeros() {
    Path zipcodes = SharedData.file("zipcodes.csv");
    fx.put(Fixture.RAW, "zipcodes/" + fx.runId + ".csv", zipcodes);
    ObjectNode source = s3Source("s3://raw/zipcodes/{{ run_id }}.csv", "csv");
    source.putObject("columns").put("zip_code", "varchar");

    WorkerProcess.Result r = extract(source);

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    Path out = output();
    assertThat(
            duckdb(
                "SELECT column_type FROM (DESCRIBE SELECT * FROM read_parquet("
                    + path(out)
                    + ")) WHERE column_name = 'zip_code'"))
        .containsExactly(List.of("VARCHAR"));
    String leadingZeros = "SELECT count(*) FILTER (zip_code LIKE '0%'), count(*) FROM ";
    List<List<String>> expected =
        duckdb(
            leadingZeros + "read_csv(" + path(zipcodes) + ", header = true, all_varchar = true)");
    assertThat(expected.get(0).get(0)).isNotEqualTo("0");
    assertThat(duckdb(leadingZeros + "read_parquet(" + path(out) + ")")).isEqualTo(expected);
  }

  @Test
  void extractsAirportsCsvWithInferredTypes() {
    Path airports = SharedData.file("airports.csv");
    fx.put(Fixture.RAW, "airports/" + fx.runId + "/airports.csv", airports);

    WorkerProcess.Result r =
        extract(s3Source("s3://raw/airports/" + fx.runId + "/airports.csv", "csv"));

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    Path out = output();
    String summary = "SELECT count(*), count(DISTINCT iata), count(DISTINCT state) FROM ";
    assertThat(duckdb(summary + "read_parquet(" + path(out) + ")"))
        .isEqualTo(duckdb(summary + "read_csv(" + path(airports) + ")"));
  }

  @Test
  void extractsGzippedCsv() throws IOException {
    Path airports = SharedData.file("airports.csv");
    Path gz = tmp.resolve("airports.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(airports, out);
    }
    fx.put(Fixture.RAW, "airports-gz/" + fx.runId + "/airports.csv.gz", gz);

    WorkerProcess.Result r = extract(s3Source("s3://raw/airports-gz/" + fx.runId + "/", "csv"));

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    String summary = "SELECT count(*), sum(latitude), max(name) FROM ";
    assertThat(duckdb(summary + "read_parquet(" + path(output()) + ")"))
        .isEqualTo(duckdb(summary + "read_csv(" + path(airports) + ")"));
  }

  @Test
  void extractsJsonLinesAndJsonArrays() {
    Path airports = SharedData.file("airports.csv");
    Path lines = tmp.resolve("airports.jsonl");
    Path array = tmp.resolve("airports.json");
    duckdb(
        "COPY (SELECT * FROM read_csv("
            + path(airports)
            + ")) TO "
            + path(lines)
            + " (FORMAT json)",
        "COPY (SELECT * FROM read_csv("
            + path(airports)
            + ")) TO "
            + path(array)
            + " (FORMAT json, ARRAY true)",
        "SELECT 1");
    assertThat(Fixture.duckdb("SELECT 1")).isNotEmpty();
    String summary = "SELECT count(*), count(DISTINCT iata), round(sum(longitude), 4) FROM ";
    List<List<String>> expected = duckdb(summary + "read_csv(" + path(airports) + ")");

    for (Path file : List.of(lines, array)) {
      String key = "json/" + fx.runId + "/" + file.getFileName();
      fx.put(Fixture.RAW, key, file);

      WorkerProcess.Result r = extract(s3Source("s3://raw/" + key, "json"));

      assertThat(r.exitCode()).as(file + ": " + r.stderr()).isZero();
      assertThat(duckdb(summary + "read_parquet(" + path(output()) + ")"))
          .as(file.getFileName().toString())
          .isEqualTo(expected);
    }
  }

  @Test
  void extractsPostgresQueryWithBoundParameters() throws Exception {
    String table = "airports_" + fx.runId.toString().replace("-", "");
    Path airports = SharedData.file("airports.csv");
    List<List<String>> rows =
        duckdb("SELECT iata, state, latitude FROM read_csv(" + path(airports) + ")");
    try (Connection pg =
            DriverManager.getConnection(
                PostgresResource.jdbcUrl(), PostgresResource.USER, PostgresResource.PASSWORD);
        Statement s = pg.createStatement()) {
      s.execute(
          "CREATE TABLE "
              + table
              + " (iata text primary key, state text, latitude numeric(9,6), seen date)");
      try (PreparedStatement insert =
          pg.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?::numeric, ?::date)")) {
        for (List<String> row : rows) {
          insert.setString(1, row.get(0));
          insert.setString(2, row.get(1));
          insert.setString(3, row.get(2));
          insert.setString(4, "2001-01-05");
          insert.addBatch();
        }
        insert.executeBatch();
      }
      ObjectNode source = Fixture.JSON.createObjectNode();
      source.put("kind", "postgres");
      source.put(
          "query",
          "select iata, state, latitude, seen from "
              + table
              + " where state = :params.state and seen = :logical_date"
              + " and iata <> ':not_a_parameter' -- :nor_this\n order by iata");

      WorkerProcess.Result r = extract(source);

      assertThat(r.exitCode()).as(r.stderr()).isZero();
      long expected;
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table + " WHERE state = 'CA'")) {
        rs.next();
        expected = rs.getLong(1);
      }
      assertThat(expected).isGreaterThan(100);
      Path out = output();
      assertThat(
              duckdb(
                  "SELECT count(*), count(*) FILTER (state <> 'CA'), min(seen)::varchar FROM"
                      + " read_parquet("
                      + path(out)
                      + ")"))
          .containsExactly(List.of(Long.toString(expected), "0", "2001-01-05"));
      assertThat(
              duckdb(
                  "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet("
                      + path(out)
                      + "))"))
          .containsExactly(
              List.of("iata", "VARCHAR"),
              List.of("state", "VARCHAR"),
              List.of("latitude", "DECIMAL(9,6)"),
              List.of("seen", "DATE"));
    }
  }

  @Test
  void extractsCsvServedOverHttpAndFailsOnAMissingOne() throws IOException {
    Path airports = SharedData.file("airports.csv");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/data/airports.csv",
        exchange -> {
          exchange.sendResponseHeaders(200, Files.size(airports));
          try (OutputStream body = exchange.getResponseBody()) {
            Files.copy(airports, body);
          }
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/data/";

      WorkerProcess.Result r = extract(s3Source(base + "airports.csv", "csv").put("kind", "http"));

      assertThat(r.exitCode()).as(r.stderr()).isZero();
      String summary = "SELECT count(*), count(DISTINCT iata), max(city) FROM ";
      assertThat(duckdb(summary + "read_parquet(" + path(output()) + ")"))
          .isEqualTo(duckdb(summary + "read_csv(" + path(airports) + ")"));

      WorkerProcess.Result missing =
          extract(s3Source(base + "nothing.csv", "csv").put("kind", "http"));

      assertThat(missing.exitCode()).isEqualTo(1);
      assertThat(missing.stderr()).contains("GET " + base + "nothing.csv answered 404, not 200");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void withoutOptionsOrEnvironmentExitsTwoWithUsageError() {
    WorkerProcess.Result r = WorkerProcess.run(Map.of(), "extract");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("no run id: pass --run-id or set STEVEDORE_RUN_ID");
  }
}
