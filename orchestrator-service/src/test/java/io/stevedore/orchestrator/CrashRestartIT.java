package io.stevedore.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.common.spec.PipelineSpecParser;
import io.stevedore.common.spec.SpecFormat;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Crash safety for real: the packaged orchestrator ({@code target/quarkus-app/quarkus-run.jar})
 * runs 20 runs of 5 stages on the local launcher and is killed with SIGKILL at random moments, 10
 * times. After the last restart every run must have succeeded, and every stage attempt must have
 * run exactly once, as counted by the stage processes themselves (each appends its attempt id to a
 * file).
 *
 * <p>Run with {@code ./mvnw -B -pl orchestrator-service verify -DskipITs=false}.
 */
class CrashRestartIT {

  static final int RUNS = 20;
  static final int KILLS = 10;

  Process app;
  final Random random = new Random();

  @AfterEach
  void stopApp() throws InterruptedException {
    if (app != null && app.isAlive()) {
      app.destroyForcibly().waitFor();
    }
  }

  @Test
  void everyRunEndsCorrectlyAndEveryAttemptRunsOnceAcrossSigkills() throws Exception {
    Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    assertThat(jar).exists();
    Path base =
        Files.createDirectories(
            Path.of("target", "crash-" + UUID.randomUUID().toString().substring(0, 8))
                .toAbsolutePath());
    Path launches = base.resolve("launches");
    int port = freePort();

    start(jar, base, port);
    String team = "crash-" + UUID.randomUUID().toString().substring(0, 8);
    List<UUID> runs = seed(team, launches);

    for (int kill = 1; kill <= KILLS; kill++) {
      // Let it work for a while, then kill it without warning.
      Awaitility.await()
          .pollDelay(Duration.ofMillis(800 + random.nextInt(2500)))
          .atMost(Duration.ofSeconds(10))
          .until(() -> true);
      app.destroyForcibly().waitFor();
      start(jar, base, port);
    }

    Awaitility.await()
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                count(
                        "select count(*) from jobs.runs r join jobs.teams t on t.id = r.team_id"
                            + " where t.name = ? and r.status in ('QUEUED', 'RUNNING')",
                        team)
                    == 0);

    assertThat(
            count(
                "select count(*) from jobs.runs r join jobs.teams t on t.id = r.team_id"
                    + " where t.name = ? and r.status = 'SUCCEEDED'",
                team))
        .isEqualTo(RUNS);
    List<String> attemptIds = new ArrayList<>();
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select s.id, s.status from jobs.stage_runs s join jobs.runs r on r.id = s.run_id"
                    + " join jobs.teams t on t.id = r.team_id where t.name = ?")) {
      ps.setString(1, team);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          assertThat(rs.getString(2)).isEqualTo("SUCCEEDED");
          attemptIds.add(rs.getString(1));
        }
      }
    }
    assertThat(attemptIds).hasSize(RUNS * 5);
    List<String> lines = Files.readAllLines(launches);
    String log = Files.readString(base.resolve("app.log"));
    System.out.printf(
        "crash test: %d launches, %d adoptions, %d relaunches of never-started intents%n",
        lines.size(),
        log.split("adopted stage attempt", -1).length - 1,
        log.split("again: it never started", -1).length - 1);
    assertThat(lines).doesNotHaveDuplicates();
    assertThat(lines).containsExactlyInAnyOrderElementsOf(attemptIds);
  }

  private void start(Path jar, Path base, int port) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Dquarkus.http.port=" + port);
    command.add("-Dquarkus.datasource.jdbc.url=" + PostgresResource.jdbcUrl());
    command.add("-Dquarkus.datasource.username=" + PostgresResource.USER);
    command.add("-Dquarkus.datasource.password=" + PostgresResource.PASSWORD);
    command.add("-Dquarkus.sqs.endpoint-override=" + SqsResource.endpoint());
    command.add("-Dquarkus.sqs.aws.credentials.static-provider.access-key-id=test");
    command.add("-Dquarkus.sqs.aws.credentials.static-provider.secret-access-key=test");
    command.add("-Dquarkus.log.console.json.enabled=false");
    command.add("-Dstevedore.orchestrator.dispatcher.poll-interval=100ms");
    command.add("-Dstevedore.orchestrator.reconcile-interval=1s");
    command.add("-Dstevedore.orchestrator.local.start-grace=1s");
    command.add("-Dstevedore.orchestrator.local.logs-dir=" + base.resolve("stages"));
    command.add("-jar");
    command.add(jar.toString());
    app =
        new ProcessBuilder(command)
            .directory(base.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(base.resolve("app.log").toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    HttpClient http = HttpClient.newHttpClient();
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200);
  }

  /** A team, a 5-stage pipeline (a; b, c after a; d after b and c; e after d) and 20 runs. */
  private List<UUID> seed(String team, Path launches) throws SQLException {
    String stage =
        "    type: container\n    image: busybox\n"
            + "    command: [\"sh\", \"-c\", \"echo $STEVEDORE_STAGE_RUN_ID >> "
            + launches
            + "; sleep 4\"]\n";
    String yaml =
        "name: crashy\nteam: "
            + team
            + "\nmaxActiveRuns: 20\nstages:\n"
            + "  - id: a\n"
            + stage
            + "  - id: b\n    dependsOn: [a]\n"
            + stage
            + "  - id: c\n    dependsOn: [a]\n"
            + stage
            + "  - id: d\n    dependsOn: [b, c]\n"
            + stage
            + "  - id: e\n    dependsOn: [d]\n"
            + stage;
    PipelineSpecParser parser = new PipelineSpecParser();
    String json = parser.toJson(parser.parseOrThrow(yaml, SpecFormat.YAML));
    UUID teamId = UUID.randomUUID();
    UUID pipelineId = UUID.randomUUID();
    Timestamp now = Timestamp.from(Instant.now());
    List<UUID> runs = new ArrayList<>();
    try (Connection c = connect()) {
      update(
          c, "insert into jobs.teams (id, name, created_at) values (?, ?, ?)", teamId, team, now);
      update(
          c,
          "insert into jobs.pipelines (id, team_id, name, latest_version, created_at, updated_at)"
              + " values (?, ?, 'crashy', 1, ?, ?)",
          pipelineId,
          teamId,
          now,
          now);
      update(
          c,
          "insert into jobs.pipeline_versions (pipeline_id, version, spec, source, created_at)"
              + " values (?, 1, ?::jsonb, ?, ?)",
          pipelineId,
          json,
          yaml,
          now);
      for (int i = 0; i < RUNS; i++) {
        UUID run = UUID.randomUUID();
        // QUEUED rows without a message: the dispatcher admits queued runs by itself.
        update(
            c,
            "insert into jobs.runs (id, team_id, pipeline_id, pipeline_version, status, trigger,"
                + " logical_date, created_at, updated_at)"
                + " values (?, ?, ?, 1, 'QUEUED', 'HTTP', ?, ?, ?)",
            run,
            teamId,
            pipelineId,
            now,
            Timestamp.from(Instant.now().plusMillis(i)),
            now);
        runs.add(run);
      }
    }
    return runs;
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(
        PostgresResource.jdbcUrl(), PostgresResource.USER, PostgresResource.PASSWORD);
  }

  private static void update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }

  private static int count(String sql, Object... params) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
