package io.stevedore.orchestrator.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.stevedore.common.contract.RunRequest;
import io.stevedore.common.store.Jdbc;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.orchestrator.Fixtures.Attempt;
import io.stevedore.orchestrator.launcher.LaunchSpec;
import io.stevedore.orchestrator.launcher.Started;
import io.stevedore.orchestrator.launcher.ecs.EcsLauncher;
import io.stevedore.orchestrator.store.LaunchIntent;
import io.stevedore.orchestrator.store.LaunchIntentStore;
import io.stevedore.testing.AwsApiProxy;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.RequiresMoto;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The orchestrator with {@code launcher=ecs} against moto's ECS, behind a recording proxy: runs go
 * through RunTask, are followed by the reconciler's DescribeTasks and by task-state events, are
 * stopped on cancel, and a task started before a crash is adopted by its startedBy.
 */
@QuarkusTest
@TestProfile(EcsLauncherMotoTest.Ecs.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
@RequiresMoto
class EcsLauncherMotoTest {

  /** The ECS launcher against moto. */
  public static class Ecs implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(EcsMotoResource.class));
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();

  @Inject Fixtures fixtures;
  @Inject EcsLauncher launcher;
  @Inject LaunchIntentStore intents;
  @Inject Jdbc jdbc;

  AwsApiProxy proxy;
  UUID team;
  String teamName;

  @BeforeEach
  void setUp() {
    proxy = EcsMotoResource.proxy();
    proxy.reset();
    proxy.rewrite(EcsMotoResource::forMoto);
    EcsMotoResource.describesPerState(1);
    teamName = "ecs-" + UUID.randomUUID().toString().substring(0, 8);
    team = fixtures.team(teamName);
  }

  UUID pipeline(String stages) {
    return fixtures.pipeline(team, "name: p\nteam: " + teamName + "\nstages:\n" + stages);
  }

  static String stage(String id, String dependsOn) {
    return "  - id: "
        + id
        + "\n    type: container\n    image: stevedore/hello:1.0\n"
        + (dependsOn == null ? "" : "    dependsOn: [" + dependsOn + "]\n");
  }

  Task describe(String arn) {
    try (EcsClient moto = EcsMotoResource.moto()) {
      return moto.describeTasks(r -> r.cluster(EcsMotoResource.CLUSTER).tasks(arn)).tasks().get(0);
    }
  }

  String taskRef(UUID run, String stageId) {
    return fixtures.attempts(run).stream()
        .filter(a -> a.stageId().equals(stageId) && a.taskRef() != null)
        .map(Attempt::taskRef)
        .findFirst()
        .orElse(null);
  }

  @Test
  void runsAPipelineThroughRunTaskRetryingThrottlingAndFallingBackFromSpot() {
    // The first RunTask is throttled twice, then Spot has no capacity: FARGATE starts it.
    proxy.inject(AwsApiProxy.times("RunTask", 2, b -> true, AwsApiProxy.throttling()));
    proxy.inject(
        AwsApiProxy.times(
            "RunTask",
            1,
            b -> b.contains("FARGATE_SPOT"),
            AwsApiProxy.runTaskFailure("Capacity is unavailable at this time.")));
    UUID run = fixtures.submit(team, pipeline(stage("first", null) + stage("second", "first")));

    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> fixtures.runStatus(run).equals("SUCCEEDED"));

    List<Attempt> attempts = fixtures.attempts(run);
    assertThat(attempts).extracting(Attempt::status).containsExactly("SUCCEEDED", "SUCCEEDED");
    assertThat(attempts).allSatisfy(a -> assertThat(a.taskRef()).startsWith("arn:aws:ecs:"));
    List<AwsApiProxy.Call> runTasks = proxy.calls("RunTask");
    // first: 2 throttled + 1 Spot failure + 1 on-demand start; second: 1 Spot start
    assertThat(runTasks).hasSize(5);
    String firstToken = token(runTasks.get(0).body());
    assertThat(token(runTasks.get(1).body())).isEqualTo(firstToken);
    assertThat(token(runTasks.get(2).body())).isEqualTo(firstToken);
    assertThat(token(runTasks.get(3).body())).isEqualTo(firstToken + "-1");
    assertThat(runTasks.get(3).body()).contains("\"capacityProvider\":\"FARGATE\"");
    assertThat(runTasks.get(4).body())
        .contains("\"capacityProvider\":\"FARGATE_SPOT\"")
        .contains("{\"key\":\"stevedore:run\",\"value\":\"" + run + "\"}")
        .contains("{\"key\":\"stevedore:team\",\"value\":\"" + teamName + "\"}")
        .contains("\"taskDefinition\":\"stevedore-hello\"")
        .contains("\"STEVEDORE_STAGE_SPEC\"");
    // the tasks in moto carry our startedBy and are stopped now
    for (Attempt a : attempts) {
      Task task = describe(a.taskRef());
      assertThat(task.startedBy()).startsWith(EcsLauncher.STARTED_BY_PREFIX);
      assertThat(task.lastStatus()).isEqualTo("STOPPED");
    }
  }

  @Test
  void stopsTheTaskWhenTheRunIsCancelled() {
    EcsMotoResource.describesPerState(1_000_000);
    UUID run = fixtures.submit(team, pipeline(stage("long", null)));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> taskRef(run, "long") != null);
    String arn = taskRef(run, "long");

    fixtures.request(RunRequest.Action.CANCEL, run, List.of(), "test");

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                proxy.calls("StopTask").stream().anyMatch(c -> c.body().contains(arn))
                    && fixtures.runStatus(run).equals("CANCELLED"));
    Task task = describe(arn);
    assertThat(task.desiredStatus()).isEqualTo("STOPPED");
    assertThat(task.stoppedReason()).contains("Stevedore");
  }

  @Test
  void stopsTheTaskOfAStageThatTimesOut() {
    EcsMotoResource.describesPerState(1_000_000);
    UUID run = fixtures.submit(team, pipeline(stage("slow", null) + "    timeout: 1s\n"));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> taskRef(run, "slow") != null);
    String arn = taskRef(run, "slow");

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                proxy.calls("StopTask").stream().anyMatch(c -> c.body().contains(arn))
                    && fixtures.runStatus(run).equals("FAILED"));
    assertThat(fixtures.attempts(run))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.status()).isEqualTo("TIMED_OUT");
              assertThat(a.failureClass()).isEqualTo("TIMEOUT");
            });
    assertThat(describe(arn).desiredStatus()).isEqualTo("STOPPED");
  }

  @Test
  void taskStateEventsMoveStagesForward() throws Exception {
    EcsMotoResource.describesPerState(1_000_000);
    UUID run = fixtures.submit(team, pipeline(stage("a", null) + stage("b", "a")));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> taskRef(run, "a") != null);
    UUID attemptA = attemptId(run, "a");

    assertThat(
            launcher.onTaskEvent(
                JSON.readTree(event(attemptA, taskRef(run, "a"), "RUNNING", null))))
        .isTrue();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "RUNNING".equals(taskStatus(attemptA)));

    assertThat(
            launcher.onTaskEvent(JSON.readTree(event(attemptA, taskRef(run, "a"), "STOPPED", 0))))
        .isTrue();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> taskRef(run, "b") != null);
    assertThat(fixtures.latest(run)).containsEntry("a", "SUCCEEDED");

    UUID attemptB = attemptId(run, "b");
    launcher.onTaskEvent(JSON.readTree(event(attemptB, taskRef(run, "b"), "STOPPED", 3)));
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> fixtures.runStatus(run).equals("FAILED"));
    assertThat(fixtures.runReason(run)).contains("USER_ERROR").contains("exit code 3");
    // an event of a task Stevedore did not start is not taken
    assertThat(
            launcher.onTaskEvent(
                JSON.readTree(
                    "{\"detail-type\":\"ECS Task State Change\",\"detail\":{\"startedBy\":"
                        + "\"ecs-svc/123\",\"lastStatus\":\"STOPPED\"}}")))
        .isFalse();
  }

  @Test
  void theReconcilerRepairsADroppedStopEvent() {
    EcsMotoResource.describesPerState(1_000_000);
    UUID run = fixtures.submit(team, pipeline(stage("only", null)));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> taskRef(run, "only") != null);
    String arn = taskRef(run, "only");
    int describesBefore = proxy.calls("DescribeTasks").size();

    // The task ends (exit code 0 in moto) and its event is lost: only DescribeTasks can tell.
    try (EcsClient moto = EcsMotoResource.moto()) {
      moto.stopTask(
          r ->
              r.cluster(EcsMotoResource.CLUSTER)
                  .task(arn)
                  .reason("Essential container in task exited"));
    }

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> fixtures.runStatus(run).equals("SUCCEEDED"));
    assertThat(proxy.calls("DescribeTasks").size()).isGreaterThan(describesBefore);
    assertThat(proxy.calls("DescribeTasks").get(proxy.calls("DescribeTasks").size() - 1).body())
        .contains("\"tasks\":[");
  }

  @Test
  void aRestartedOrchestratorAdoptsTheTaskItStartedByItsStartedBy() throws Exception {
    EcsMotoResource.describesPerState(1_000_000);
    UUID pipelineId = pipeline(stage("only", null));
    UUID run = fixtures.runningRun(team, pipelineId);
    UUID attempt = UUID.randomUUID();
    LaunchIntent intent =
        launcher.intent(attempt, run, "only", 1, Instant.now().minusSeconds(30), null);
    // The crashed orchestrator had committed the intent and called RunTask, and died before
    // recording the answer.
    Started started =
        launcher.launch(
            intent,
            new LaunchSpec(
                attempt,
                List.of(),
                Map.of("STEVEDORE_RUN_ID", run.toString()),
                256,
                512,
                "stevedore/hello",
                "container",
                List.of()));
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              jdbc.update(
                  "insert into jobs.stage_runs (id, run_id, stage_id, attempt, status, launcher,"
                      + " created_at, updated_at) values (?, ?, 'only', 1, 'LAUNCHING', 'ECS', ?,"
                      + " ?)",
                  attempt,
                  run,
                  Instant.now(),
                  Instant.now());
              intents.insert(intent);
            });

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> started.taskRef().equals(taskRef(run, "only")));

    assertThat(fixtures.latest(run)).containsEntry("only", "RUNNING");
    assertThat(proxy.calls("RunTask")).hasSize(1); // the crashed one's: no second task
    assertThat(proxy.calls("ListTasks"))
        .anyMatch(
            c -> c.body().contains("\"startedBy\":\"" + EcsLauncher.startedBy(attempt) + "\""));
    try (EcsClient moto = EcsMotoResource.moto()) {
      assertThat(
              moto.listTasks(
                      r ->
                          r.cluster(EcsMotoResource.CLUSTER)
                              .startedBy(EcsLauncher.startedBy(attempt)))
                  .taskArns())
          .containsExactly(started.taskRef());
    }
  }

  UUID attemptId(UUID run, String stageId) {
    return jdbc.one(
            "select id from jobs.stage_runs where run_id = ? and stage_id = ? order by attempt desc"
                + " limit 1",
            rs -> rs.getObject(1, UUID.class),
            run,
            stageId)
        .orElseThrow();
  }

  String taskStatus(UUID attempt) {
    return jdbc.one(
            "select task_status from orchestrator.launch_intents where stage_run_id = ?",
            rs -> rs.getString(1),
            attempt)
        .orElse(null);
  }

  static String token(String body) {
    int i = body.indexOf("\"clientToken\":\"") + 15;
    return body.substring(i, body.indexOf('"', i));
  }

  /** An EventBridge "ECS Task State Change" event as the task-events queue carries it. */
  static String event(UUID attempt, String arn, String status, Integer exit) {
    boolean stopped = "STOPPED".equals(status);
    return "{\"version\":\"0\",\"id\":\""
        + UUID.randomUUID()
        + "\",\"detail-type\":\"ECS Task State Change\",\"source\":\"aws.ecs\","
        + "\"account\":\"123456789012\",\"time\":\"2026-11-26T23:59:00Z\",\"region\":\"us-east-1\","
        + "\"resources\":[\""
        + arn
        + "\"],\"detail\":{\"clusterArn\":\"arn:aws:ecs:us-east-1:123456789012:cluster/stevedore\","
        + "\"taskArn\":\""
        + arn
        + "\",\"lastStatus\":\""
        + status
        + "\",\"desiredStatus\":\""
        + (stopped ? "STOPPED" : "RUNNING")
        + "\",\"startedBy\":\""
        + EcsLauncher.startedBy(attempt)
        + "\",\"launchType\":\"FARGATE\",\"version\":3"
        + (stopped
            ? ",\"stopCode\":\"EssentialContainerExited\","
                + "\"stoppedReason\":\"Essential container in task exited\""
            : "")
        + ",\"containers\":[{\"name\":\"main\",\"lastStatus\":\""
        + status
        + "\""
        + (exit == null ? "" : ",\"exitCode\":" + exit)
        + "}]}}";
  }
}
