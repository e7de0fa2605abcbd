package io.stevedore.validation.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.S3Resource;
import io.stevedore.testing.SqsResource;
import io.stevedore.validation.Fixtures;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The one-shot task as a real process: the packaged service ({@code target/quarkus-app}) run as
 * {@code java -jar quarkus-run.jar validate ...} against S3Proxy and the embedded Postgres, with
 * its exit code, stdout and outputs checked.
 *
 * <p>Run with {@code ./mvnw -B -pl validation-service -am verify -DskipITs=false
 * -Dit.test=OneShotIT}.
 */
class OneShotIT {

  static S3Client s3;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void setUp() throws Exception {
    s3 =
        S3Client.builder()
            .endpointOverride(URI.create(S3Resource.endpoint()))
            .forcePathStyle(true)
            .region(Region.of(SqsResource.REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(S3Resource.ACCESS_KEY, S3Resource.SECRET_KEY)))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    Fixtures.buckets(s3);
  }

  static Path suite(String resource) throws Exception {
    Path file = dir.resolve(resource);
    Files.writeString(file, Fixtures.suiteText(resource));
    return file;
  }

  static Run run(List<String> jvmOptions, String... args) throws Exception {
    Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    assertThat(jar).exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Dquarkus.datasource.jdbc.url=" + PostgresResource.jdbcUrl());
    command.add("-Dquarkus.datasource.username=" + PostgresResource.USER);
    command.add("-Dquarkus.datasource.password=" + PostgresResource.PASSWORD);
    command.add("-Dquarkus.s3.endpoint-override=" + S3Resource.endpoint());
    // no SQS runs here: the task must not need it
    command.add("-Dquarkus.sqs.endpoint-override=http://127.0.0.1:9");
    command.add("-Dquarkus.log.console.json.enabled=false");
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    command.add("validate");
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("the task ends").isTrue();
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void failsOnTheAirportsWithoutAStateAndWritesTheReportToAFile() throws Exception {
    String uri = Fixtures.upload(s3, "oneshot/airports.csv", Fixtures.data("airports.csv"));
    Path report = dir.resolve("reports/airports.json");

    Run run =
        run(
            List.of(),
            "--suite",
            suite("airports.yaml").toString(),
            "--dataset",
            uri,
            "--report",
            report.toString());

    assertThat(run.exit()).as(run.err()).isEqualTo(OneShotValidation.FAIL);
    assertThat(run.out()).startsWith("FAIL airports score ");
    assertThat(run.out()).contains("failed completeness(state) (fail): 12 nulls of 3376 rows");
    JsonNode doc = JSON.readTree(report.toFile());
    assertThat(doc.path("report").path("rowCount").asLong()).isEqualTo(3376);
    assertThat(doc.path("report").path("verdict").asText()).isEqualTo("FAIL");
    assertThat(doc.path("datasetUri").asText()).isEqualTo(uri);
  }

  @Test
  void passesOnALocalFileAndWritesTheReportToS3() throws Exception {
    Run run =
        run(
            List.of(),
            "--suite",
            suite("zipcodes.yaml").toString(),
            "--dataset",
            Fixtures.data("zipcodes.csv").toString(),
            "--report",
            "s3://" + Fixtures.REPORT_BUCKET + "/oneshot/zipcodes.json");

    assertThat(run.exit()).as(run.err()).isEqualTo(OneShotValidation.PASS);
    assertThat(run.out()).startsWith("PASS zipcodes score 100.00");
    JsonNode doc =
        JSON.readTree(
            s3.getObjectAsBytes(r -> r.bucket(Fixtures.REPORT_BUCKET).key("oneshot/zipcodes.json"))
                .asByteArray());
    assertThat(doc.path("report").path("verdict").asText()).isEqualTo("PASS");
  }

  @Test
  void exitsOneOnWarnings() throws Exception {
    Path suite = dir.resolve("zip-warn.yaml");
    Files.writeString(
        suite,
        "dataset: zipcodes\nformat: csv\nchecks:\n"
            + "  - {type: rowCount, max: 10, severity: warn}\n");
    Run run =
        run(
            List.of(),
            "--suite",
            suite.toString(),
            "--dataset",
            Fixtures.data("zipcodes.csv").toString(),
            "--report",
            dir.resolve("warn.json").toString());
    assertThat(run.exit()).as(run.err()).isEqualTo(OneShotValidation.WARN);
    assertThat(run.out()).startsWith("WARN zipcodes");
  }

  @Test
  void correctsIntoS3AndQuarantinesTheRemovedRows() throws Exception {
    String uri = Fixtures.upload(s3, "oneshot/airports-c.csv", Fixtures.data("airports.csv"));
    Run run =
        run(
            List.of(),
            "--suite",
            suite("airports-corrected.yaml").toString(),
            "--dataset",
            uri,
            "--report",
            dir.resolve("corrected.json").toString(),
            "--correct",
            "--output",
            "s3://" + Fixtures.DATA_BUCKET + "/oneshot/clean/");

    assertThat(run.exit()).as(run.err()).isEqualTo(OneShotValidation.FAIL);
    JsonNode correction = JSON.readTree(dir.resolve("corrected.json").toFile()).path("correction");
    assertThat(correction.path("quarantinedRows").asLong()).isEqualTo(12);
    assertThat(correction.path("correctedRows").asLong()).isEqualTo(3376 - 12);
    assertThat(correction.path("correctedUri").asText())
        .isEqualTo("s3://" + Fixtures.DATA_BUCKET + "/oneshot/clean/airports.parquet");
    assertThat(correction.path("quarantineUri").asText())
        .startsWith("s3://" + Fixtures.QUARANTINE_BUCKET + "/oneshot/airports/");
    Path corrected = Fixtures.download(s3, correction.path("correctedUri").asText(), dir);
    assertThat(Fixtures.duck("select count(*) from read_parquet('" + corrected + "')"))
        .containsExactly(String.valueOf(3376 - 12));
    assertThat(run.out()).contains("corrected 3364 of 3376 rows kept");
  }

  @Test
  void readsTheSuiteFromTheDatabaseAndATableFromPostgres() throws Exception {
    // the schema is migrated by a first run that asks for it (the task does not by default)
    String team = "oneshot-" + UUID.randomUUID().toString().substring(0, 8);
    Run migrate =
        run(
            List.of("-Dstevedore.db.migrate-at-start=true"),
            "--suite",
            suite("zipcodes.yaml").toString(),
            "--dataset",
            Fixtures.data("zipcodes.csv").toString(),
            "--report",
            dir.resolve("migrate.json").toString());
    assertThat(migrate.exit()).as(migrate.err()).isZero();
    String schema = "lake_" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection c =
        DriverManager.getConnection(
            PostgresResource.jdbcUrl(), PostgresResource.USER, PostgresResource.PASSWORD)) {
      UUID teamId = UUID.randomUUID();
      UUID suiteId = UUID.randomUUID();
      Timestamp now = Timestamp.from(Instant.now());
      update(
          c, "insert into jobs.teams (id, name, created_at) values (?, ?, ?)", teamId, team, now);
      update(
          c,
          "insert into validation.suites (id, team_id, name, latest_version, created_at,"
              + " updated_at) values (?, ?, 'people', 1, ?, ?)",
          suiteId,
          teamId,
          now,
          now);
      update(
          c,
          "insert into validation.suite_versions (suite_id, version, dataset, format, source,"
              + " created_at) values (?, 1, 'people', 'parquet', ?, ?)",
          suiteId,
          "dataset: people\nchecks:\n  - {type: completeness, column: email}\n"
              + "  - {type: rowCount, min: 4, max: 4}\n",
          now);
      try (Statement s = c.createStatement()) {
        s.execute("create schema " + schema);
        s.execute("create table " + schema + ".people (id int, email text)");
        s.execute(
            "insert into "
                + schema
                + ".people values (1, 'a@x'), (2, null), (3, 'c@x'), (4, 'd@x')");
      }
    }

    Run run =
        run(
            List.of(
                "-Dstevedore.validation.postgres.crm.jdbc-url=" + PostgresResource.jdbcUrl(),
                "-Dstevedore.validation.postgres.crm.username=" + PostgresResource.USER,
                "-Dstevedore.validation.postgres.crm.password=" + PostgresResource.PASSWORD),
            "--suite",
            "people",
            "--team",
            team,
            "--dataset",
            "postgres://crm/" + schema + ".people",
            "--report",
            dir.resolve("people.json").toString());

    assertThat(run.exit()).as(run.err()).isEqualTo(OneShotValidation.FAIL);
    assertThat(run.out()).startsWith("FAIL people score ");
    assertThat(run.out()).contains("failed completeness(email) (fail): 1 nulls of 4 rows");
    assertThat(run.err()).doesNotContain(PostgresResource.PASSWORD + "@");
  }

  @Test
  void badArgumentsAndMissingDataExitThree() throws Exception {
    Run missing = run(List.of(), "--suite", suite("zipcodes.yaml").toString());
    assertThat(missing.exit()).isEqualTo(OneShotValidation.ERROR);
    assertThat(missing.err()).contains("--dataset is required");

    Run noData =
        run(
            List.of(),
            "--suite",
            suite("zipcodes.yaml").toString(),
            "--dataset",
            "s3://" + Fixtures.DATA_BUCKET + "/oneshot/none.csv",
            "--report",
            dir.resolve("none.json").toString());
    assertThat(noData.exit()).isEqualTo(OneShotValidation.ERROR);
    assertThat(noData.err()).contains("does not exist");
  }

  private static void update(Connection c, String sql, Object... params) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }
}
