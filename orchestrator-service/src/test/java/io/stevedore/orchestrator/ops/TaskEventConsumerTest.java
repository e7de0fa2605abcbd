package io.stevedore.orchestrator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.contract.StageResult;
import io.stevedore.common.contract.TaskEvent;
import io.stevedore.common.messaging.SqsQueues;
import io.stevedore.common.store.Jdbc;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.orchestrator.service.StageMetrics;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * What the task-events consumer does with a RESULT (outputs and result on the attempt, once), and
 * what it cannot use goes to the dead-letter queue with the reason.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class TaskEventConsumerTest {

  @Inject SqsClient sqs;
  @Inject SqsQueues queues;
  @Inject Jdbc jdbc;
  @Inject Fixtures fixtures;
  @Inject ObjectMapper mapper;
  @Inject StageMetrics stageMetrics;

  final List<Message> dead = new ArrayList<>();

  /** Sends a body; returns the SQS message id (the consumer's id when no attribute names one). */
  String send(String body, String type) {
    return sqs.sendMessage(
            r -> {
              r.queueUrl(queues.url(Queues.TASK_EVENTS)).messageBody(body);
              if (type != null) {
                r.messageAttributes(
                    Map.of(
                        "stevedore-type",
                        MessageAttributeValue.builder()
                            .dataType("String")
                            .stringValue(type)
                            .build(),
                        "stevedore-version",
                        MessageAttributeValue.builder()
                            .dataType("Number")
                            .stringValue("1")
                            .build()));
              }
            })
        .messageId();
  }

  /** Waits until the dead-letter queue holds a message containing {@code marker}. */
  Message deadLettered(String marker) {
    String dlq = queues.deadLetterUrl(Queues.TASK_EVENTS);
    Awaitility.await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              dead.addAll(
                  sqs.receiveMessage(
                          r -> r.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(1))
                      .messages());
              return dead.stream().anyMatch(m -> m.body().contains(marker));
            });
    return dead.stream().filter(m -> m.body().contains(marker)).findFirst().orElseThrow();
  }

  String reason(Message message) {
    return jdbc.one(
            "select f.reason from jobs.message_failures f where f.queue = ? and f.message_id = ?"
                + " order by f.id desc limit 1",
            rs -> rs.getString(1),
            Queues.TASK_EVENTS,
            message.messageId())
        .orElse("");
  }

  @Test
  void deadLettersWhatNobodyTakesOrCanRead() {
    String marker = UUID.randomUUID().toString();
    send("not json " + marker, null);
    send(
        "{\"version\":\"0\",\"source\":\"aws.ecs\",\"detail-type\":\"ECS Task State Change\","
            + "\"detail\":{\"taskArn\":\"arn:aws:ecs:us-east-1:1:task/c/"
            + marker
            + "\",\"lastStatus\":\"STOPPED\"}}",
        null);
    send("{\"kind\":\"HEARTBEAT\",\"stageRunId\":\"" + marker + "-x\"}", "something-else");
    UUID unknown = UUID.randomUUID();
    send(
        "{\"kind\":\"RESULT\",\"stageRunId\":\""
            + unknown
            + "\",\"attempt\":1,\"outputs\":{\"data\":\"s3://b/"
            + marker
            + "\"},\"result\":{\"rowsOut\":12}}",
        "task-event");

    assertThat(reason(deadLettered("not json " + marker))).contains("the body is not JSON");
    assertThat(reason(deadLettered("task/c/" + marker)))
        .contains("no one takes this event (source 'aws.ecs', detail-type 'ECS Task State Change')")
        .contains("LOCAL launcher does not take it");
    assertThat(reason(deadLettered(marker + "-x")))
        .contains("takes task-event messages, got 'something-else'");
    assertThat(reason(deadLettered("s3://b/" + marker)))
        .contains("stage attempt " + unknown + " does not exist");
  }

  /**
   * An attempt of a run that ended (SUCCEEDED) before its RESULT was read: the local launcher
   * reports the exit directly, the worker's RESULT comes through the queue.
   */
  UUID endedAttempt() {
    String teamName = "results-" + UUID.randomUUID().toString().substring(0, 8);
    UUID team = fixtures.team(teamName);
    UUID pipeline =
        fixtures.pipeline(
            team,
            Stages.pipeline(teamName, "flights", Stages.stage("t", List.of(), "exit 0", null)));
    UUID run = fixtures.runningRun(team, pipeline);
    UUID attempt = fixtures.launchingAttempt(run, "t");
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              jdbc.update(
                  "update jobs.stage_runs set status = 'SUCCEEDED', ended_at = now() where id = ?",
                  attempt);
              jdbc.update(
                  "update jobs.runs set status = 'SUCCEEDED', ended_at = now() where id = ?", run);
            });
    return attempt;
  }

  TaskEvent resultOf(UUID attempt, StageResult result) {
    return new TaskEvent(
        TaskEvent.Kind.RESULT,
        attempt,
        null,
        "t",
        1,
        "local",
        null,
        null,
        null,
        null,
        Map.of("data", "s3://stages/runs/" + attempt + "/t/"),
        result,
        Instant.now());
  }

  Optional<StageResult> storedResult(UUID attempt) throws Exception {
    Optional<String> json =
        jdbc.one(
            "select result::text from jobs.stage_runs where id = ? and result is not null",
            rs -> rs.getString(1),
            attempt);
    return json.isEmpty()
        ? Optional.empty()
        : Optional.of(mapper.readValue(json.get(), StageResult.class));
  }

  /** The row's transaction id: it changes with every write of the row. */
  String rowVersion(UUID attempt) {
    return jdbc.one(
            "select xmin::text from jobs.stage_runs where id = ?", rs -> rs.getString(1), attempt)
        .orElseThrow();
  }

  void awaitHandled(String messageId) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                jdbc.one(
                        "select 1 from jobs.handled_messages where message_id = ?",
                        rs -> rs.getInt(1),
                        messageId)
                    .isPresent());
  }

  @Test
  void storesTheResultOnTheAttemptsRowOnce() throws Exception {
    UUID attempt = endedAttempt();
    StageResult result =
        new StageResult(
            3_000_000L,
            2_431L,
            61_234_567L,
            48_213L,
            1_875L,
            List.of(
                new StageResult.Column("state", "VARCHAR"),
                new StageResult.Column("day", "DATE"),
                new StageResult.Column("avg_delay", "DOUBLE")));
    String body = mapper.writeValueAsString(resultOf(attempt, result));
    awaitHandled(send(body, "task-event"));

    assertThat(storedResult(attempt)).contains(result);
    assertThat(
            jdbc.one(
                "select uri from orchestrator.stage_outputs where stage_run_id = ? and name = 'data'",
                rs -> rs.getString(1),
                attempt))
        .contains("s3://stages/runs/" + attempt + "/t/");
    assertThat(
            jdbc.one(
                "select status from jobs.stage_runs where id = ?", rs -> rs.getString(1), attempt))
        .contains("SUCCEEDED");

    // The same RESULT again (a resend under another message id): the row is not written again.
    String version = rowVersion(attempt);
    awaitHandled(send(body, "task-event"));
    assertThat(rowVersion(attempt)).isEqualTo(version);
    assertThat(storedResult(attempt)).contains(result);

    // A RESULT without a result (outputs only) leaves the stored result as it is.
    awaitHandled(send(mapper.writeValueAsString(resultOf(attempt, null)), null));
    assertThat(storedResult(attempt)).contains(result);
  }

  @Test
  void heartbeatMetricsBecomeGaugesOfThePipelinesStage() throws Exception {
    String teamName = "lag-" + UUID.randomUUID().toString().substring(0, 8);
    UUID team = fixtures.team(teamName);
    UUID pipeline =
        fixtures.pipeline(
            team,
            Stages.pipeline(teamName, "orders", Stages.stage("t", List.of(), "exit 0", null)));
    UUID run = fixtures.runningRun(team, pipeline);
    UUID attempt = fixtures.launchingAttempt(run, "t");
    // The task is running: its launch intent is open.
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                jdbc.update(
                    "insert into orchestrator.launch_intents (stage_run_id, launcher, client_token,"
                        + " started_by, requested_at) values (?, 'ECS', ?, 'test', now())",
                    attempt,
                    attempt.toString()));
    String body =
        "{\"kind\":\"HEARTBEAT\",\"stageRunId\":\""
            + attempt
            + "\",\"attempt\":1,\"metrics\":{\"lagMillis\":1250.5,\"backlog\":42,"
            + "\"bad name\":1},\"at\":\""
            + Instant.now()
            + "\"}";
    awaitHandled(send(body, "task-event"));

    assertThat(stageMetrics.value("orders", "t", "lagMillis")).isEqualTo(1250.5);
    assertThat(stageMetrics.value("orders", "t", "backlog")).isEqualTo(42.0);
    String metrics =
        io.restassured.RestAssured.given()
            .get("/q/metrics")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(metrics)
        .contains("stevedore_stage_lag_millis{pipeline=\"orders\",stage=\"t\"} 1250.5")
        .contains("stevedore_stage_backlog{pipeline=\"orders\",stage=\"t\"} 42.0")
        .doesNotContain("bad name");
    assertThat(
            jdbc.one(
                "select last_heartbeat_at is not null from orchestrator.launch_intents"
                    + " where stage_run_id = ?",
                rs -> rs.getBoolean(1),
                attempt))
        .contains(true);

    // Leave nothing running behind: other tests' watchdogs share this database.
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              jdbc.update(
                  "update orchestrator.launch_intents set ended_at = now() where stage_run_id = ?",
                  attempt);
              jdbc.update(
                  "update jobs.stage_runs set status = 'SUCCEEDED', ended_at = now() where id = ?",
                  attempt);
              jdbc.update(
                  "update jobs.runs set status = 'SUCCEEDED', ended_at = now() where id = ?", run);
            });
  }

  @Test
  void deadLettersAResultThatCannotBeStoredAndWritesNothingOfIt() throws Exception {
    UUID attempt = endedAttempt();
    StageResult bad =
        new StageResult(10L, -5L, null, null, null, List.of(new StageResult.Column("", "VARCHAR")));
    send(mapper.writeValueAsString(resultOf(attempt, bad)), null);
    Message dead = deadLettered(attempt.toString());

    assertThat(reason(dead))
        .contains(
            "the RESULT of stage attempt "
                + attempt
                + " has an invalid result: result.rowsOut is negative: -5;"
                + " result.schema[0] has no name");
    assertThat(storedResult(attempt)).isEmpty();
    assertThat(
            jdbc.one(
                "select count(*) from orchestrator.stage_outputs where stage_run_id = ?",
                rs -> rs.getInt(1),
                attempt))
        .contains(0);
  }
}
