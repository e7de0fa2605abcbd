package io.stevedore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.demo.DemoPipeline;
import io.stevedore.demo.StevedoreApi;
import io.stevedore.demo.Warehouse;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.S3Resource;
import io.stevedore.testing.SqsResource;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The main job end to end, as {@code deploy/local/demo} runs it: the packaged scheduler,
 * orchestrator and validation-service as processes, every stage an etl-worker process started by
 * the orchestrator's local launcher, against embedded Postgres (also the warehouse), ElasticMQ and
 * S3Proxy. The demo's own client code uploads the sample data, registers the suite and the pipeline
 * and follows the run; the warehouse's rows must equal the same aggregation computed here straight
 * from the source files with DuckDB.
 */
class DemoE2EIT {

  static final String ADMIN = "e2e-admin-key-demo-0123456789abcdef";
  static final Path DATA =
      Path.of("..", "deploy", "local", "demo-data").toAbsolutePath().normalize();
  static final Path WORKER_JAR =
      Path.of("..", "etl-worker", "target", "quarkus-app", "quarkus-run.jar")
          .toAbsolutePath()
          .normalize();

  static Path base;
  static PackagedServices services;
  static StevedoreApi api;
  static S3Client s3;

  @BeforeAll
  static void startTheServices() throws Exception {
    assertThat(WORKER_JAR).as("packaged etl-worker").exists();
    base = Files.createDirectories(Path.of("target", "e2e", UUID.randomUUID().toString()));
    services = new PackagedServices(base, ADMIN);
    s3 =
        PackagedServices.s3WithBuckets(
            List.of(
                "stevedore-stages", "stevedore-reports", "stevedore-quarantine", "raw", "lake"));
    int scheduler = services.start("scheduler-service", List.of());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    int orchestrator =
        services.start(
            "orchestrator-service",
            List.of(
                "-Dstevedore.orchestrator.dispatcher.poll-interval=200ms",
                "-Dstevedore.orchestrator.reconcile-interval=2s",
                "-Dstevedore.orchestrator.local.logs-dir="
                    + base.resolve("stages").toAbsolutePath(),
                "-Dstevedore.orchestrator.local.worker-command="
                    + java
                    + ",-XX:TieredStopAtLevel=1,-XX:+UseSerialGC,-Xmx512m,-jar,"
                    + WORKER_JAR,
                "-Dstevedore.orchestrator.security-gate.mode=off"),
            // The stage processes inherit these: the test's S3, SQS and warehouse.
            List.of(
                "QUARKUS_S3_ENDPOINT_OVERRIDE=" + S3Resource.endpoint(),
                "QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID=" + S3Resource.ACCESS_KEY,
                "QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY="
                    + S3Resource.SECRET_KEY,
                "QUARKUS_SQS_ENDPOINT_OVERRIDE=" + SqsResource.endpoint(),
                "QUARKUS_SQS_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID="
                    + SqsResource.ACCESS_KEY,
                "QUARKUS_SQS_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY="
                    + SqsResource.SECRET_KEY,
                "STEVEDORE_WORKER_CONNECTIONS_WAREHOUSE_URL=" + PostgresResource.jdbcUrl(),
                "STEVEDORE_WORKER_CONNECTIONS_WAREHOUSE_USER=" + PostgresResource.USER,
                "STEVEDORE_WORKER_CONNECTIONS_WAREHOUSE_PASSWORD=" + PostgresResource.PASSWORD));
    int validation =
        services.start(
            "validation-service",
            List.of(
                "-Dquarkus.s3.endpoint-override=" + S3Resource.endpoint(),
                "-Dquarkus.s3.aws.credentials.static-provider.access-key-id="
                    + S3Resource.ACCESS_KEY,
                "-Dquarkus.s3.aws.credentials.static-provider.secret-access-key="
                    + S3Resource.SECRET_KEY));
    services.awaitReady(scheduler, orchestrator, validation);
    api =
        new StevedoreApi(
            URI.create("http://127.0.0.1:" + scheduler),
            URI.create("http://127.0.0.1:" + validation));
  }

  @AfterAll
  static void stopTheServices() throws InterruptedException {
    if (services != null) {
      services.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  record Row(double avgDelay, long flights) {}

  @Test
  void theDemoPipelineLoadsWhatTheSourceFilesSay() throws Exception {
    String team = "e2e-demo-" + UUID.randomUUID().toString().substring(0, 6);
    String key = api.teamKey(ADMIN, team, "DemoE2EIT");
    List<String> uploaded = DemoPipeline.uploadSampleData(s3, DATA);
    assertThat(uploaded).contains("airports.csv", "flights/2001-01/2001-01-01.parquet");
    api.saveSuite(key, DemoPipeline.SUITE, DemoPipeline.suiteYaml());
    api.savePipeline(key, DemoPipeline.pipelineYaml(team));
    String runId = api.submit(key, DemoPipeline.PIPELINE, Map.of("month", "2001-01"));

    JsonNode run = DemoPipeline.follow(api, key, runId, System.out, Duration.ofMinutes(4));
    DemoPipeline.printTimeline(run, System.out);
    assertThat(run.path("status").asText())
        .as("run %s (stage logs under %s)", run, base.resolve("stages"))
        .isEqualTo("SUCCEEDED");
    for (JsonNode stage : run.path("stages")) {
      assertThat(stage.path("status").asText()).as(stage.toString()).isEqualTo("SUCCEEDED");
    }

    Map<String, Row> expected = new HashMap<>();
    long sourceFlights;
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = duck.createStatement()) {
      String flights = "read_parquet('" + DATA.resolve("flights/2001-01") + "/*.parquet')";
      try (ResultSet r = s.executeQuery("select count(*) from " + flights)) {
        r.next();
        sourceFlights = r.getLong(1);
      }
      try (ResultSet r =
          s.executeQuery(
              "select a.state, cast(date_trunc('day', f.date) as date) as day,"
                  + " avg(f.delay), count(*) from "
                  + flights
                  + " f join read_csv('"
                  + DATA.resolve("airports.csv")
                  + "', header = true, types = {'iata': 'VARCHAR', 'state': 'VARCHAR'}) a"
                  + " on a.iata = f.origin where a.state is not null group by all")) {
        while (r.next()) {
          expected.put(
              r.getString(1) + "|" + r.getString(2), new Row(r.getDouble(3), r.getLong(4)));
        }
      }
    }
    assertThat(sourceFlights).isEqualTo(113_493);
    assertThat(expected).hasSizeGreaterThan(7 * 40);

    Map<String, Row> loaded = new HashMap<>();
    try (Connection pg =
            DriverManager.getConnection(
                PostgresResource.jdbcUrl(), PostgresResource.USER, PostgresResource.PASSWORD);
        Statement s = pg.createStatement();
        ResultSet r =
            s.executeQuery(
                "select state, day::text, avg_delay, flights from " + DemoPipeline.TABLE)) {
      while (r.next()) {
        loaded.put(r.getString(1) + "|" + r.getString(2), new Row(r.getDouble(3), r.getLong(4)));
      }
    }
    assertThat(loaded.keySet()).isEqualTo(expected.keySet());
    expected.forEach(
        (k, want) -> {
          Row got = loaded.get(k);
          assertThat(got.flights()).as(k).isEqualTo(want.flights());
          assertThat(got.avgDelay()).as(k).isCloseTo(want.avgDelay(), within(1e-9));
        });

    // What the demo prints comes from the same table.
    Warehouse warehouse =
        new Warehouse(PostgresResource.jdbcUrl(), PostgresResource.USER, PostgresResource.PASSWORD);
    assertThat(warehouse.rows()).isEqualTo(expected.size());
    assertThat(warehouse.mostDelayed(10)).hasSize(10);

    // The lake: one partition per day.
    List<String> lake =
        s3
            .listObjectsV2Paginator(b -> b.bucket("lake").prefix("delays_by_state/"))
            .contents()
            .stream()
            .map(S3Object::key)
            .filter(k -> k.endsWith(".parquet") && !k.contains("/_"))
            .toList();
    assertThat(lake.stream().map(k -> k.replaceAll("/[^/]*$", "")).distinct())
        .hasSize(7)
        .allMatch(p -> p.matches("delays_by_state/day=2001-01-0[1-7]"));

    // What the workers reported: the extract read every flight of the week.
    JsonNode extract = null;
    for (JsonNode stage : run.path("stages")) {
      if (stage.path("stageId").asText().equals("extract-flights")) {
        extract = stage;
      }
    }
    assertThat(extract).isNotNull();
    assertThat(extract.path("result").path("rowsOut").asLong()).isEqualTo(sourceFlights);
  }
}
