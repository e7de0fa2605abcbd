package io.stevedore.orchestrator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.orchestrator.Fixtures.Attempt;
import io.stevedore.orchestrator.launcher.LocalLauncher;
import io.stevedore.orchestrator.store.LaunchIntent;
import io.stevedore.orchestrator.store.LaunchIntentStore;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A restart staged by hand: the database and the stage files are left as a crashed orchestrator
 * leaves them, and the running one's reconciler must adopt, complete or launch, never duplicate.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class RecoveryTest {

  @Inject Fixtures fixtures;
  @Inject LocalLauncher launcher;
  @Inject LaunchIntentStore intents;

  UUID team;
  UUID pipeline;
  Path launches;

  @BeforeEach
  void setUp() throws IOException {
    String name = "recovery-" + UUID.randomUUID().toString().substring(0, 8);
    team = fixtures.team(name);
    Path work = Files.createDirectories(Path.of("target", "recovery-work", name)).toAbsolutePath();
    launches = work.resolve("launches");
    pipeline =
        fixtures.pipeline(
            team,
            "name: one\nteam: "
                + name
                + "\nstages:\n  - id: only\n    type: container\n    image: busybox\n"
                + "    command: [\"sh\", \"-c\", \"echo $STEVEDORE_STAGE_RUN_ID >> "
                + launches
                + "; sleep 1; exit ${EXIT_WITH:-0}\"]\n");
  }

  /** The intent a crashed orchestrator had committed, requested long enough ago. */
  LaunchIntent committedIntent(UUID run, UUID attempt) {
    Instant requested = Instant.now().minusSeconds(30);
    LaunchIntent intent = launcher.intent(attempt, run, "only", 1, requested, null);
    QuarkusTransaction.requiringNew().run(() -> intents.insert(intent));
    return intent;
  }

  /** Starts the stage's wrapper as the crashed orchestrator did, without recording anything. */
  Process startAsTheCrashedOrchestrator(LaunchIntent intent, int exit, int seconds)
      throws IOException {
    Files.createDirectories(Path.of(intent.logFile()).getParent());
    ProcessBuilder builder =
        new ProcessBuilder(
            "/bin/sh",
            "-c",
            LocalLauncher.WRAPPER,
            "stevedore-stage",
            "sh",
            "-c",
            "echo $STEVEDORE_STAGE_RUN_ID >> "
                + launches
                + "; sleep "
                + seconds
                + "; exit "
                + exit);
    builder.environment().put("STEVEDORE_STARTED_FILE", intent.startedFile());
    builder.environment().put("STEVEDORE_EXIT_FILE", intent.exitFile());
    builder.environment().put("STEVEDORE_STAGE_RUN_ID", intent.stageRunId().toString());
    builder.redirectErrorStream(true).redirectOutput(new File(intent.logFile()));
    return builder.start();
  }

  String awaitEnd(UUID run) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> List.of("SUCCEEDED", "FAILED").contains(fixtures.runStatus(run)));
    return fixtures.runStatus(run);
  }

  @Test
  void adoptsProcessStartedBeforeACrashInsteadOfLaunchingItAgain() throws Exception {
    UUID run = fixtures.runningRun(team, pipeline);
    UUID attempt = fixtures.launchingAttempt(run, "only");
    LaunchIntent intent = committedIntent(run, attempt);
    // Long enough for the reconciler (every second in tests) to find it alive.
    Process process = startAsTheCrashedOrchestrator(intent, 0, 3);

    assertThat(awaitEnd(run)).isEqualTo("SUCCEEDED");
    assertThat(Files.readAllLines(launches)).containsExactly(attempt.toString());
    LaunchIntent recorded = intents.find(attempt).orElseThrow();
    assertThat(recorded.pid()).as(recorded.toString()).isEqualTo(process.pid());
    assertThat(recorded.endedAt()).isNotNull();
    assertThat(fixtures.attempts(run))
        .extracting(Attempt::status, Attempt::exitCode)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("SUCCEEDED", 0));
  }

  @Test
  void classifiesProcessThatEndedWhileTheOrchestratorWasDownFromItsExitFile() throws Exception {
    UUID run = fixtures.runningRun(team, pipeline);
    UUID attempt = fixtures.launchingAttempt(run, "only");
    LaunchIntent intent;
    // The process runs and ends before the intent is visible, as if the orchestrator was down.
    intent = launcher.intent(attempt, run, "only", 1, Instant.now().minusSeconds(30), null);
    Process process = startAsTheCrashedOrchestrator(intent, 3, 0);
    process.waitFor();
    LaunchIntent done = intent;
    QuarkusTransaction.requiringNew().run(() -> intents.insert(done));

    assertThat(awaitEnd(run)).isEqualTo("FAILED");
    assertThat(fixtures.attempts(run))
        .extracting(Attempt::status, Attempt::failureClass, Attempt::exitCode)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("FAILED", "USER_ERROR", 3));
    assertThat(Files.readAllLines(launches)).containsExactly(attempt.toString());
  }

  @Test
  void launchesAnIntentWhoseProcessNeverStartedExactlyOnce() throws Exception {
    UUID run = fixtures.runningRun(team, pipeline);
    UUID attempt = fixtures.launchingAttempt(run, "only");
    committedIntent(run, attempt);

    assertThat(awaitEnd(run)).isEqualTo("SUCCEEDED");
    assertThat(Files.readAllLines(launches)).containsExactly(attempt.toString());
  }

  @Test
  void aClientTokenMustNameItsOwnAttempt() {
    UUID run = fixtures.runningRun(team, pipeline);
    UUID second = fixtures.launchingAttempt(run, "only");
    // Another attempt cannot take an attempt's token (RunTask would answer with the other
    // attempt's task): the database refuses a token that does not name its own attempt.
    String othersToken =
        launcher.intent(UUID.randomUUID(), run, "only", 1, Instant.now(), null).clientToken();

    assertThatThrownBy(
            () ->
                fixtures.execute(
                    "insert into orchestrator.launch_intents (stage_run_id, launcher,"
                        + " client_token, started_by, requested_at) values (?, 'LOCAL', ?, 'test',"
                        + " now())",
                    second,
                    othersToken))
        .hasStackTraceContaining("launch_intents_client_token_names_attempt");
    assertThat(intents.find(second)).isEmpty();
  }

  @Test
  void wrapperRefusesToStartAnAttemptTwice() throws Exception {
    UUID run = fixtures.runningRun(team, pipeline);
    UUID attempt = fixtures.launchingAttempt(run, "only");
    LaunchIntent intent = committedIntent(run, attempt);
    Process first = startAsTheCrashedOrchestrator(intent, 0, 1);
    Process second = startAsTheCrashedOrchestrator(intent, 0, 1);

    // Either may reach the started file first (two processes; on a busy machine the second can
    // overtake the first): one runs the command, the other refuses.
    assertThat(List.of(first.waitFor(), second.waitFor()))
        .containsExactlyInAnyOrder(0, LocalLauncher.ALREADY_STARTED);
    assertThat(awaitEnd(run)).isEqualTo("SUCCEEDED");
    assertThat(Files.readAllLines(launches)).containsExactly(attempt.toString());
  }

  /**
   * A crash after an attempt was ended (timed out, given up by the watchdog, cancelled) and before
   * its task was stopped: the attempt's end is committed, its launch intent still open (closed only
   * once the task's end is seen), its process runs on. The restarted orchestrator's reconciler must
   * stop the task and close the intent; the attempt keeps the end it had.
   */
  @Test
  void stopsATaskThatOutlivedTheEndOfItsAttempt() throws Exception {
    UUID run = fixtures.runningRun(team, pipeline);
    UUID attempt = fixtures.launchingAttempt(run, "only");
    fixtures.execute(
        "update jobs.stage_runs set status = 'TIMED_OUT', failure_class = 'TIMEOUT',"
            + " reason = 'exceeded its timeout', ended_at = now() where id = ?",
        attempt);
    Instant requested = Instant.now();
    LaunchIntent intent = launcher.intent(attempt, run, "only", 1, requested, null);
    Process process = startAsTheCrashedOrchestrator(intent, 0, 120);
    try {
      // The command runs (it wrote its line) before the reconciler can see the intent.
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  Files.exists(launches)
                      && Files.readString(launches).contains(attempt.toString()));
      QuarkusTransaction.requiringNew().run(() -> intents.insert(intent));
      // A heartbeat of the ended attempt's task is not taken, though its intent is open.
      assertThat(intents.heartbeat(attempt, Instant.now())).isFalse();
      assertThat(process.waitFor(30, TimeUnit.SECONDS))
          .as("the reconciler stops the task of the ended attempt")
          .isTrue();
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> intents.find(attempt).orElseThrow().endedAt() != null);
    assertThat(fixtures.attempts(run))
        .extracting(Attempt::status, Attempt::failureClass)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("TIMED_OUT", "TIMEOUT"));
    assertThat(Files.readAllLines(launches)).containsExactly(attempt.toString());
  }
}
