package io.stevedore.orchestrator.ops;

import static io.stevedore.orchestrator.ops.Stages.EVENT_FUNCTION;
import static io.stevedore.orchestrator.ops.Stages.pipeline;
import static io.stevedore.orchestrator.ops.Stages.stage;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.common.store.Jdbc;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.orchestrator.Fixtures.Attempt;
import io.stevedore.orchestrator.service.Watchdog;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class WatchdogTest {

  static final String RETRY = "    retry: { maxAttempts: 2, initialDelay: 1s }\n";

  @Inject Fixtures fixtures;
  @Inject Watchdog watchdog;
  @Inject Jdbc jdbc;

  UUID team;
  String teamName;
  Path work;

  @BeforeEach
  void setUp() throws Exception {
    teamName = "wd-" + UUID.randomUUID().toString().substring(0, 8);
    team = fixtures.team(teamName);
    work = Files.createDirectories(Path.of("target", "ops-work", teamName)).toAbsolutePath();
  }

  String awaitEnd(UUID run, Duration max) {
    Awaitility.await()
        .atMost(max)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(fixtures.runStatus(run)));
    return fixtures.runStatus(run);
  }

  @Test
  void restartsAStageWhoseWorkerStopsSendingHeartbeats() throws Exception {
    // Attempt 1 beats twice, writes its pid, then hangs silently; attempt 2 succeeds at once.
    String script =
        EVENT_FUNCTION
            + "if [ \"$STEVEDORE_ATTEMPT\" = 1 ]; then ev HEARTBEAT; sleep 1; ev HEARTBEAT; echo $$ > "
            + work.resolve("pid")
            + "; sleep 120; fi; echo attempt $STEVEDORE_ATTEMPT done";
    UUID pipeline =
        fixtures.pipeline(
            team, pipeline(teamName, "silent", stage("hang", List.of(), script, RETRY)));
    UUID run = fixtures.submit(team, pipeline);

    assertThat(awaitEnd(run, Duration.ofSeconds(40))).isEqualTo("SUCCEEDED");
    List<Attempt> attempts = fixtures.attempts(run);
    assertThat(attempts).extracting(Attempt::status).containsExactly("FAILED", "SUCCEEDED");
    assertThat(attempts.get(0).failureClass()).isEqualTo("HEARTBEAT_LOST");
    assertThat(attempts.get(0).reason()).contains("no heartbeat for");
    // The worker did send heartbeats (recorded on the first attempt's intent)...
    assertThat(
            fixtures.count(
                "select count(*) from orchestrator.launch_intents i join jobs.stage_runs s"
                    + " on s.id = i.stage_run_id where s.run_id = ? and s.attempt = 1"
                    + " and i.last_heartbeat_at is not null",
                run))
        .isEqualTo(1);
    // ...and the silent process was stopped, not left behind.
    long pid = Long.parseLong(Files.readString(work.resolve("pid")).trim());
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    // Its launch intent was closed when the stopped process's end was seen, not with the attempt.
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> fixtures.intentClosedAfterItsAttempt(run, "hang", 1));
  }

  @Test
  void leavesAttemptsWithoutHeartbeatsAlone() {
    // No heartbeat at all: only the timeout binds it; 4 s of silence is fine (timeout is 3 s).
    UUID pipeline =
        fixtures.pipeline(
            team, pipeline(teamName, "quiet", stage("quiet", List.of(), "sleep 4; exit 0", RETRY)));
    UUID run = fixtures.submit(team, pipeline);

    assertThat(awaitEnd(run, Duration.ofSeconds(30))).isEqualTo("SUCCEEDED");
    assertThat(fixtures.attempts(run)).extracting(Attempt::attempt).containsExactly(1);
  }

  @Test
  void stopsAndRetriesAnAttemptStuckInLaunching() {
    UUID pipeline =
        fixtures.pipeline(
            team, pipeline(teamName, "stuck", stage("s", List.of(), "exit 0", RETRY)));
    UUID run = fixtures.runningRun(team, pipeline);
    UUID attempt = fixtures.launchingAttempt(run, "s");
    // An intent of another launcher: the local reconciler leaves it alone, as a task that an ECS
    // RunTask call never confirmed.
    intent(attempt, null, Instant.now());

    assertThat(watchdog.check(Instant.now().plus(Duration.ofMinutes(4)))).isZero();
    assertThat(watchdog.check(Instant.now().plus(Duration.ofMinutes(6)))).isEqualTo(1);

    assertThat(awaitEnd(run, Duration.ofSeconds(30))).isEqualTo("SUCCEEDED");
    List<Attempt> attempts = fixtures.attempts(run);
    assertThat(attempts).extracting(Attempt::status).containsExactly("FAILED", "SUCCEEDED");
    assertThat(attempts.get(0).failureClass()).isEqualTo("PLATFORM");
    assertThat(attempts.get(0).reason()).contains("stuck in LAUNCHING");
  }

  @Test
  void stopsAndRetriesATaskStuckPending() {
    UUID pipeline =
        fixtures.pipeline(
            team, pipeline(teamName, "pending", stage("p", List.of(), "exit 0", RETRY)));
    UUID run = fixtures.runningRun(team, pipeline);
    UUID attempt = fixtures.launchingAttempt(run, "p");
    Instant now = Instant.now();
    intent(attempt, "PENDING", now);
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                jdbc.update(
                    "update jobs.stage_runs set status = 'RUNNING', started_at = ? where id = ?",
                    now,
                    attempt));

    assertThat(watchdog.check(now.plus(Duration.ofMinutes(9)))).isZero();
    assertThat(watchdog.check(now.plus(Duration.ofMinutes(11)))).isEqualTo(1);

    assertThat(awaitEnd(run, Duration.ofSeconds(30))).isEqualTo("SUCCEEDED");
    List<Attempt> attempts = fixtures.attempts(run);
    assertThat(attempts).extracting(Attempt::status).containsExactly("FAILED", "SUCCEEDED");
    assertThat(attempts.get(0).failureClass()).isEqualTo("PLATFORM");
    assertThat(attempts.get(0).reason()).contains("never reached RUNNING");
  }

  /** An ECS-like launch intent, confirmed with a task status when one is given. */
  void intent(UUID attempt, String taskStatus, Instant now) {
    Path files = work.resolve(attempt.toString());
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                jdbc.update(
                    "insert into orchestrator.launch_intents (stage_run_id, launcher, client_token,"
                        + " started_by, requested_at, task_ref, confirmed_at, log_file,"
                        + " started_file, exit_file, task_status, task_status_at)"
                        + " values (?, 'ECS', ?, 'test', ?, ?, ?, ?, ?, ?, ?, ?)",
                    attempt,
                    attempt.toString(),
                    now,
                    taskStatus == null ? null : "arn:aws:ecs:test:task/" + attempt,
                    taskStatus == null ? null : now,
                    files + ".log",
                    files + ".started",
                    files + ".exit",
                    taskStatus,
                    taskStatus == null ? null : now));
  }
}
