package io.stevedore.orchestrator.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.common.contract.RunRequest;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.orchestrator.Fixtures.Attempt;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stage graph run for real: every stage is an {@code sh} process started by the launcher. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class DagExecutionTest {

  @Inject Fixtures fixtures;

  UUID team;
  String teamName;
  Path work;

  @BeforeEach
  void setUp() throws IOException {
    teamName = "dag-" + UUID.randomUUID().toString().substring(0, 8);
    team = fixtures.team(teamName);
    work = Files.createDirectories(Path.of("target", "dag-work", teamName)).toAbsolutePath();
  }

  /** A container stage running {@code sh -c script}. */
  static String stage(String id, List<String> dependsOn, String script, String extra) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("  - id: ").append(id).append("\n    type: container\n    image: busybox\n");
    if (!dependsOn.isEmpty()) {
      yaml.append("    dependsOn: [").append(String.join(", ", dependsOn)).append("]\n");
    }
    yaml.append("    command: [\"sh\", \"-c\", \"")
        .append(script.replace("\\", "\\\\").replace("\"", "\\\""))
        .append("\"]\n");
    if (extra != null) {
      yaml.append(extra);
    }
    return yaml.toString();
  }

  String pipeline(String name, String stages) {
    return "name: " + name + "\nteam: " + teamName + "\nstages:\n" + stages;
  }

  String pipeline(String name, int maxActiveRuns, String stages) {
    return "name: "
        + name
        + "\nteam: "
        + teamName
        + "\nmaxActiveRuns: "
        + maxActiveRuns
        + "\nstages:\n"
        + stages;
  }

  /** Appends the stage id and attempt to the launches file, then runs {@code then}. */
  String record(String then) {
    return "echo $STEVEDORE_STAGE_ID-$STEVEDORE_ATTEMPT >> "
        + work.resolve("launches")
        + "; "
        + then;
  }

  List<String> launches() throws IOException {
    Path file = work.resolve("launches");
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  String awaitEnd(UUID run, Duration max) {
    Awaitility.await()
        .atMost(max)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(fixtures.runStatus(run)));
    return fixtures.runStatus(run);
  }

  @Test
  void runsSequentialChainInOrder() throws IOException {
    UUID pipeline =
        fixtures.pipeline(
            team,
            pipeline(
                "chain",
                stage("a", List.of(), record("exit 0"), null)
                    + stage("b", List.of("a"), record("exit 0"), null)
                    + stage(
                        "c",
                        List.of("b"),
                        record("echo done with $STEVEDORE_LOGICAL_DATE"),
                        null)));
    UUID run = fixtures.submit(team, pipeline);

    assertThat(awaitEnd(run, Duration.ofSeconds(30))).isEqualTo("SUCCEEDED");
    assertThat(launches()).containsExactly("a-1", "b-1", "c-1");
    assertThat(fixtures.attempts(run))
        .extracting(Attempt::stageId, Attempt::status, Attempt::exitCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", "SUCCEEDED", 0),
            org.assertj.core.groups.Tuple.tuple("b", "SUCCEEDED", 0),
            org.assertj.core.groups.Tuple.tuple("c", "SUCCEEDED", 0));
    assertThat(fixtures.runReason(run)).isEqualTo("all 3 stages succeeded");
    Path log = Path.of("target/stage-files", run.toString(), "c", "1.log");
    assertThat(Files.readString(log)).contains("done with 2026-11-20");
  }

  @Test
  void fansOutTenAndFansInOnlyAfterAllTen() throws IOException {
    StringBuilder stages = new StringBuilder(stage("root", List.of(), record("exit 0"), null));
    List<String> branches = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      branches.add("b" + i);
      stages.append(stage("b" + i, List.of("root"), record("sleep 0.3"), null));
    }
    stages.append(stage("join", branches, record("exit 0"), null));
    UUID run = fixtures.submit(team, fixtures.pipeline(team, pipeline("fan", stages.toString())));

    assertThat(awaitEnd(run, Duration.ofSeconds(40))).isEqualTo("SUCCEEDED");
    List<String> launched = launches();
    assertThat(launched).hasSize(12).startsWith("root-1").endsWith("join-1");
    assertThat(launched.subList(1, 11))
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 10).mapToObj(i -> "b" + i + "-1").toList());
    // The fan-in attempt was created only once the last branch had ended.
    assertThat(
            fixtures.count(
                "select count(*) from jobs.stage_runs j where j.run_id = ? and j.stage_id = 'join'"
                    + " and j.created_at >= (select max(ended_at) from jobs.stage_runs b"
                    + " where b.run_id = ? and b.stage_id like 'b%')",
                run, run))
        .isEqualTo(1);
    // 10 x 256 CPU units do not fit the default 2048: some branches waited for capacity.
    assertThat(fixtures.attempts(run)).allMatch(a -> a.status().equals("SUCCEEDED"));
  }

  @Test
  void runsDiamond() throws IOException {
    UUID run =
        fixtures.submit(
            team,
            fixtures.pipeline(
                team,
                pipeline(
                    "diamond",
                    stage("a", List.of(), record("exit 0"), null)
                        + stage("b", List.of("a"), record("sleep 0.2"), null)
                        + stage("c", List.of("a"), record("exit 0"), null)
                        + stage("d", List.of("b", "c"), record("exit 0"), null))));

    assertThat(awaitEnd(run, Duration.ofSeconds(30))).isEqualTo("SUCCEEDED");
    List<String> launched = launches();
    assertThat(launched).hasSize(4).startsWith("a-1").endsWith("d-1");
    assertThat(launched).containsOnlyOnce("b-1", "c-1");
  }

  @Test
  void failureInOneBranchSkipsItsDownstreamAndFailsTheRunNamingTheStage() {
    UUID run =
        fixtures.submit(
            team,
            fixtures.pipeline(
                team,
                pipeline(
                    "branchy",
                    stage("a", List.of(), "exit 0", null)
                        + stage("bad", List.of("a"), "echo broken >&2; exit 3", null)
                        + stage("good", List.of("a"), "sleep 0.5", null)
                        + stage("after-good", List.of("good"), "exit 0", null)
                        + stage("join", List.of("bad", "good"), "exit 0", null)
                        + stage("after-join", List.of("join"), "exit 0", null))));

    assertThat(awaitEnd(run, Duration.ofSeconds(30))).isEqualTo("FAILED");
    assertThat(fixtures.latest(run))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "a", "SUCCEEDED",
                "bad", "FAILED",
                "good", "SUCCEEDED",
                "after-good", "SUCCEEDED",
                "join", "SKIPPED",
                "after-join", "SKIPPED"));
    Attempt bad =
        fixtures.attempts(run).stream().filter(a -> a.stageId().equals("bad")).findFirst().get();
    assertThat(bad.failureClass()).isEqualTo("USER_ERROR");
    assertThat(bad.exitCode()).isEqualTo(3);
    assertThat(fixtures.runReason(run))
        .contains("stage 'bad' failed after attempt 1 (USER_ERROR)")
        .contains("exit code 3")
        .contains("2 downstream stage(s) skipped");
    assertThat(fixtures.attempts(run))
        .filteredOn(a -> a.stageId().equals("join"))
        .extracting(Attempt::reason)
        .containsExactly("upstream stage 'bad' failed");
  }

  @Test
  void cancelMidRunStopsRunningProcesses() {
    UUID run =
        fixtures.submit(
            team,
            fixtures.pipeline(
                team,
                pipeline(
                    "cancel-me",
                    stage("slow-1", List.of(), "sleep 60", null)
                        + stage("slow-2", List.of(), "sleep 60", null)
                        + stage("after", List.of("slow-1", "slow-2"), "exit 0", null))));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> fixtures.pids(run).size() == 2);
    List<ProcessHandle> processes = new ArrayList<>();
    for (long pid : fixtures.pids(run)) {
      ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
      processes.add(handle);
      processes.addAll(handle.descendants().toList());
    }
    assertThat(processes).allMatch(ProcessHandle::isAlive);

    fixtures.request(RunRequest.Action.CANCEL, run, List.of(), "not today");

    assertThat(awaitEnd(run, Duration.ofSeconds(20))).isEqualTo("CANCELLED");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> processes.stream().noneMatch(ProcessHandle::isAlive));
    assertThat(fixtures.latest(run))
        .containsEntry("slow-1", "CANCELLED")
        .containsEntry("slow-2", "CANCELLED")
        .doesNotContainKey("after");
    assertThat(fixtures.runReason(run)).isEqualTo("run cancelled: not today");
  }

  @Test
  void retriesRetryableFailureThenSucceeds() throws IOException {
    String retry = "    retry: { maxAttempts: 3, initialDelay: 1s, retryOn: [USER_ERROR] }\n";
    UUID run =
        fixtures.submit(
            team,
            fixtures.pipeline(
                team,
                pipeline(
                    "flaky",
                    stage("flaky", List.of(), record("test $STEVEDORE_ATTEMPT -ge 2"), retry)
                        + stage("next", List.of("flaky"), record("exit 0"), null))));

    assertThat(awaitEnd(run, Duration.ofSeconds(30))).isEqualTo("SUCCEEDED");
    assertThat(launches()).containsExactly("flaky-1", "flaky-2", "next-1");
    List<Attempt> attempts = fixtures.attempts(run);
    assertThat(attempts)
        .extracting(Attempt::stageId, Attempt::attempt, Attempt::status, Attempt::failureClass)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("flaky", 1, "FAILED", "USER_ERROR"),
            org.assertj.core.groups.Tuple.tuple("flaky", 2, "SUCCEEDED", null),
            org.assertj.core.groups.Tuple.tuple("next", 1, "SUCCEEDED", null));
  }

  @Test
  void stageOverItsTimeoutIsStoppedAndTimedOut() {
    UUID run =
        fixtures.submit(
            team,
            fixtures.pipeline(
                team,
                pipeline(
                    "slowpoke",
                    stage("slow", List.of(), "sleep 30", "    timeout: 1s\n")
                        + stage("after", List.of("slow"), "exit 0", null))));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> fixtures.pids(run).size() == 1);
    ProcessHandle wrapper = ProcessHandle.of(fixtures.pids(run).get(0)).orElseThrow();
    List<ProcessHandle> tree = new ArrayList<>(wrapper.descendants().toList());
    tree.add(wrapper);

    assertThat(awaitEnd(run, Duration.ofSeconds(20))).isEqualTo("FAILED");
    Attempt slow = fixtures.attempts(run).get(1);
    assertThat(slow.stageId()).isEqualTo("slow");
    assertThat(slow.status()).isEqualTo("TIMED_OUT");
    assertThat(slow.failureClass()).isEqualTo("TIMEOUT");
    assertThat(fixtures.latest(run)).containsEntry("after", "SKIPPED");
    assertThat(fixtures.runReason(run)).contains("stage 'slow' failed after attempt 1 (TIMEOUT)");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> tree.stream().noneMatch(ProcessHandle::isAlive));
    // The launch intent stayed open after the timeout was recorded, until the stopped process's
    // end was seen: a crash between the two would have left it to the reconciler, not running
    // unwatched (RecoveryTest.stopsATaskThatOutlivedTheEndOfItsAttempt).
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> fixtures.intentClosedAfterItsAttempt(run, "slow", 1));
  }

  @Test
  void keepsRunsBeyondMaxActiveRunsQueuedInOrder() {
    UUID pipeline =
        fixtures.pipeline(
            team, pipeline("one-at-a-time", 1, stage("only", List.of(), "sleep 0.3", null)));
    List<UUID> runs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      runs.add(fixtures.submit(team, pipeline));
    }
    for (UUID run : runs) {
      assertThat(awaitEnd(run, Duration.ofSeconds(30))).isEqualTo("SUCCEEDED");
    }
    // Never two at once, and in submission order.
    assertThat(
            fixtures.count(
                "select count(*) from jobs.runs a join jobs.runs b on a.pipeline_id = b.pipeline_id"
                    + " and a.id <> b.id where a.pipeline_id = ?"
                    + " and a.started_at < b.ended_at and b.started_at < a.ended_at",
                pipeline))
        .isZero();
    assertThat(
            fixtures.count(
                "select count(*) from jobs.runs a join jobs.runs b on a.pipeline_id = b.pipeline_id"
                    + " where a.pipeline_id = ? and a.created_at < b.created_at"
                    + " and a.started_at > b.started_at",
                pipeline))
        .isZero();
  }

  @Test
  void resumeRunsFailedAndSkippedStagesAgainAndKeepsSucceededOnes() throws IOException {
    Path gate = work.resolve("gate");
    UUID run =
        fixtures.submit(
            team,
            fixtures.pipeline(
                team,
                pipeline(
                    "resumable",
                    stage("a", List.of(), record("exit 0"), null)
                        + stage("b", List.of("a"), record("test -f " + gate), null)
                        + stage("c", List.of("b"), record("exit 0"), null))));
    assertThat(awaitEnd(run, Duration.ofSeconds(30))).isEqualTo("FAILED");
    assertThat(fixtures.latest(run)).containsEntry("c", "SKIPPED");

    Files.writeString(gate, "open");
    fixtures.request(RunRequest.Action.RESUME, run, List.of(), "fixed the input");

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> fixtures.runStatus(run).equals("SUCCEEDED"));
    assertThat(launches()).containsExactly("a-1", "b-1", "b-2", "c-2");
    assertThat(fixtures.latest(run))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("a", "SUCCEEDED", "b", "SUCCEEDED", "c", "SUCCEEDED"));
  }
}
