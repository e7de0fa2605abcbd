package io.stevedore.orchestrator.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.messaging.SqsQueues;
import io.stevedore.common.store.Jdbc;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.orchestrator.Fixtures.Attempt;
import io.stevedore.testing.AwsApiProxy;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.RequiresMoto;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The whole path of ECS task-state events: EventBridge's JSON on the real task-events queue
 * (ElasticMQ), read by the task-events consumer, handed to the ECS launcher (against moto), and the
 * stage moves forward; a worker's heartbeat on the same queue reaches the attempt's intent.
 */
@QuarkusTest
@TestProfile(EcsLauncherMotoTest.Ecs.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
@RequiresMoto
class EcsTaskEventQueueTest {

  @Inject Fixtures fixtures;
  @Inject Jdbc jdbc;
  @Inject SqsClient sqs;
  @Inject SqsQueues queues;

  UUID team;
  String teamName;

  @BeforeEach
  void setUp() {
    AwsApiProxy proxy = EcsMotoResource.proxy();
    proxy.reset();
    proxy.rewrite(EcsMotoResource::forMoto);
    EcsMotoResource.describesPerState(1_000_000); // only events (or the reconciler) move tasks
    teamName = "ecsq-" + UUID.randomUUID().toString().substring(0, 8);
    team = fixtures.team(teamName);
  }

  String taskRef(UUID run, String stageId) {
    return fixtures.attempts(run).stream()
        .filter(a -> a.stageId().equals(stageId) && a.taskRef() != null)
        .map(Attempt::taskRef)
        .findFirst()
        .orElse(null);
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

  void send(String body, Map<String, MessageAttributeValue> attributes) {
    sqs.sendMessage(
        r ->
            r.queueUrl(queues.url(Queues.TASK_EVENTS))
                .messageBody(body)
                .messageAttributes(attributes));
  }

  @Test
  void taskStateEventsAndHeartbeatsOnTheQueueReachTheEcsLauncherAndTheIntent() {
    UUID pipeline =
        fixtures.pipeline(
            team,
            "name: q\nteam: "
                + teamName
                + "\nstages:\n"
                + EcsLauncherMotoTest.stage("a", null)
                + EcsLauncherMotoTest.stage("b", "a"));
    UUID run = fixtures.submit(team, pipeline);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> taskRef(run, "a") != null);
    UUID attemptA = attemptId(run, "a");

    // A worker's heartbeat, as the etl-worker sends it (typed attributes).
    send(
        "{\"kind\":\"HEARTBEAT\",\"stageRunId\":\"" + attemptA + "\",\"attempt\":1}",
        Map.of(
            "stevedore-type",
            MessageAttributeValue.builder().dataType("String").stringValue("task-event").build(),
            "stevedore-version",
            MessageAttributeValue.builder().dataType("Number").stringValue("1").build()));
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                fixtures.count(
                        "select count(*) from orchestrator.launch_intents where stage_run_id = ?"
                            + " and last_heartbeat_at is not null",
                        attemptA)
                    == 1);

    // EventBridge's events, as its SQS target delivers them (no attributes).
    send(EcsLauncherMotoTest.event(attemptA, taskRef(run, "a"), "RUNNING", null), Map.of());
    send(EcsLauncherMotoTest.event(attemptA, taskRef(run, "a"), "STOPPED", 0), Map.of());
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> taskRef(run, "b") != null);
    assertThat(fixtures.latest(run)).containsEntry("a", "SUCCEEDED");

    UUID attemptB = attemptId(run, "b");
    send(EcsLauncherMotoTest.event(attemptB, taskRef(run, "b"), "STOPPED", 3), Map.of());
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> fixtures.runStatus(run).equals("FAILED"));
    assertThat(fixtures.runReason(run)).contains("USER_ERROR").contains("exit code 3");
  }
}
