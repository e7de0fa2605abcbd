package io.stevedore.orchestrator.ops;

import static io.stevedore.orchestrator.ops.Stages.pipeline;
import static io.stevedore.orchestrator.ops.Stages.stage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.common.contract.Alert;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.messaging.SqsQueues;
import io.stevedore.common.store.Jdbc;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.orchestrator.Fixtures.Attempt;
import io.stevedore.orchestrator.domain.StopInfo;
import io.stevedore.orchestrator.service.RunEngine;
import io.stevedore.orchestrator.service.WebhookDeliverer;
import io.stevedore.orchestrator.store.AlertStore;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class AlertTest {

  /** 120 numbered lines, then exit 3 (a user error). */
  static final String TALK_THEN_FAIL =
      "i=1; while [ $i -le 120 ]; do echo \"line $i of attempt $STEVEDORE_ATTEMPT\";"
          + " i=$((i+1)); done; exit 3";

  @Inject Fixtures fixtures;
  @Inject Jdbc jdbc;
  @Inject SqsClient sqs;
  @Inject SqsQueues queues;
  @Inject ObjectMapper mapper;
  @Inject RunEngine engine;
  @Inject WebhookDeliverer deliverer;
  @Inject AlertStore alerts;

  UUID team;
  String teamName;

  @BeforeEach
  void setUp() {
    teamName = "alert-" + UUID.randomUUID().toString().substring(0, 8);
    team = fixtures.team(teamName);
  }

  String awaitEnd(UUID run) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(fixtures.runStatus(run)));
    return fixtures.runStatus(run);
  }

  List<WebhookReceiver.Received> receivedFor(UUID run) {
    return WebhookReceiver.RECEIVED.stream()
        .filter(r -> r.body().contains(run.toString()))
        .toList();
  }

  List<WebhookReceiver.Received> deliveredFor(UUID run) {
    return receivedFor(run).stream().filter(r -> r.answered() == 204).toList();
  }

  @Test
  void alertsOnFinalFailureWithTheLast50LogLinesToWebhookAndQueue() throws Exception {
    String retry = "    retry: { maxAttempts: 2, initialDelay: 1s, retryOn: [USER_ERROR] }\n";
    UUID pipeline =
        fixtures.pipeline(
            team,
            pipeline(
                teamName,
                "loud",
                stage("load", List.of(), TALK_THEN_FAIL, retry)
                    + stage("after", List.of("load"), "exit 0", null)));
    UUID run = fixtures.submit(team, pipeline);
    WebhookReceiver.FAIL_ONCE.add(run.toString()); // its first POST is refused, then retried

    assertThat(awaitEnd(run)).isEqualTo("FAILED");
    assertThat(fixtures.attempts(run))
        .extracting(Attempt::stageId, Attempt::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("after", "SKIPPED"),
            org.assertj.core.groups.Tuple.tuple("load", "FAILED"),
            org.assertj.core.groups.Tuple.tuple("load", "FAILED"));

    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !deliveredFor(run).isEmpty());
    List<WebhookReceiver.Received> received = receivedFor(run);
    assertThat(received).extracting(WebhookReceiver.Received::answered).containsExactly(503, 204);
    assertThat(received).extracting(WebhookReceiver.Received::attempt).containsExactly("1", "2");
    assertThat(received.get(0).alertId()).isEqualTo(received.get(1).alertId());

    JsonNode alert = mapper.readTree(received.get(1).body());
    assertThat(alert.path("id").asText()).isEqualTo(received.get(1).alertId());
    assertThat(alert.path("kind").asText()).isEqualTo("STAGE_FAILED");
    assertThat(alert.path("runId").asText()).isEqualTo(run.toString());
    assertThat(alert.path("stageId").asText()).isEqualTo("load");
    assertThat(alert.path("team").asText()).isEqualTo(teamName);
    assertThat(alert.path("attributes").path("failureClass").asText()).isEqualTo("USER_ERROR");
    assertThat(alert.path("attributes").path("attempt").asText()).isEqualTo("2");
    assertThat(alert.path("detail").asText()).contains("exit code 3");
    List<String> lines = new ArrayList<>();
    alert.path("logLines").forEach(l -> lines.add(l.asText()));
    assertThat(lines).hasSize(50);
    assertThat(lines.get(0)).isEqualTo("line 71 of attempt 2");
    assertThat(lines.get(49)).isEqualTo("line 120 of attempt 2");
    // The webhook's secret token is not stored, only a hash and the host. The delivery is recorded
    // once the webhook has answered, so a moment after the receiver saw it.
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        fixtures.count(
                            "select count(*) from orchestrator.alert_deliveries d join"
                                + " orchestrator.alerts a on a.id = d.alert_id where a.run_id = ?"
                                + " and d.webhook_host like '127.0.0.1:%' and d.delivered_at is not"
                                + " null and d.attempts = 2",
                            run))
                    .isEqualTo(1));

    // The same alert went through the alerts queue (ElasticMQ): the outbox message that carried it
    // was received by the orchestrator's alerts consumer, which delivered nothing twice.
    UUID messageId =
        jdbc.one(
                "select message_id from orchestrator.alerts where run_id = ?",
                rs -> rs.getObject(1, UUID.class),
                run)
            .orElseThrow();
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                fixtures.count(
                        "select count(*) from jobs.handled_messages"
                            + " where consumer like '%alerts' and message_id = ?",
                        messageId.toString())
                    == 1);
    assertThat(receivedFor(run)).hasSize(2);
  }

  @Test
  void deliversAnotherServicesAlertFromTheQueueOnce() throws Exception {
    UUID id = UUID.randomUUID();
    Alert alert =
        new Alert(
            id,
            "validation",
            "VALIDATION_FAILED",
            "critical",
            team,
            teamName,
            null,
            null,
            "orders failed its contract",
            "3 of 12 checks failed",
            java.util.Map.of("dataset", "orders"),
            List.of(),
            Instant.now());
    String body = mapper.writeValueAsString(alert);
    for (int i = 0; i < 2; i++) { // sent twice (at least once delivery): posted once
      sqs.sendMessage(
          r ->
              r.queueUrl(queues.url(Queues.ALERTS))
                  .messageBody(body)
                  .messageAttributes(
                      java.util.Map.of(
                          "stevedore-type",
                          MessageAttributeValue.builder()
                              .dataType("String")
                              .stringValue("alert")
                              .build(),
                          "stevedore-version",
                          MessageAttributeValue.builder()
                              .dataType("Number")
                              .stringValue("1")
                              .build())));
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                WebhookReceiver.RECEIVED.stream().anyMatch(r -> id.toString().equals(r.alertId())));
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                fixtures.count(
                        "select count(*) from jobs.handled_messages where consumer like '%alerts'"
                            + " and handled_at > now() - interval '1 minute'")
                    >= 2);
    for (int i = 0; i < 3; i++) {
      deliverer.deliverDue();
    }
    List<WebhookReceiver.Received> posted =
        WebhookReceiver.RECEIVED.stream().filter(r -> id.toString().equals(r.alertId())).toList();
    assertThat(posted).hasSize(1);
    assertThat(mapper.readTree(posted.get(0).body()).path("source").asText())
        .isEqualTo("validation");
  }

  @Test
  void neverDeliversTwiceAfterARestart() throws Exception {
    UUID pipeline =
        fixtures.pipeline(
            team, pipeline(teamName, "once", stage("only", List.of(), TALK_THEN_FAIL, null)));
    UUID run = fixtures.submit(team, pipeline);
    assertThat(awaitEnd(run)).isEqualTo("FAILED");
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> deliveredFor(run).size() == 1);

    // After a restart the reconciler may report the same end again, and the deliverer runs anew:
    // neither raises nor posts the alert again.
    UUID attempt =
        jdbc.one(
                "select id from jobs.stage_runs where run_id = ? and stage_id = 'only'",
                rs -> rs.getObject(1, UUID.class),
                run)
            .orElseThrow();
    engine.complete(attempt, StopInfo.exited(3));
    for (int i = 0; i < 3; i++) {
      deliverer.deliverDue();
    }
    assertThat(fixtures.count("select count(*) from orchestrator.alerts where run_id = ?", run))
        .isEqualTo(1);

    // A delivery claimed by an orchestrator that died during the POST: tried again once its lease
    // ran out, and once only.
    String webhookId =
        jdbc.one(
                "select d.webhook_id from orchestrator.alert_deliveries d"
                    + " join orchestrator.alerts a on a.id = d.alert_id where a.run_id = ?",
                rs -> rs.getString(1),
                run)
            .orElseThrow();
    UUID second = UUID.randomUUID();
    Instant now = Instant.now();
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              alerts.insert(
                  second,
                  "test",
                  run,
                  null,
                  "TEST",
                  "{\"id\":\"" + second + "\",\"runId\":\"" + run + "\"}",
                  now);
              alerts.addDelivery(second, webhookId, "127.0.0.1", now.plus(Duration.ofMinutes(1)));
              jdbc.update(
                  "update orchestrator.alert_deliveries set attempts = 1 where alert_id = ?",
                  second);
            });
    deliverer.deliverDue(); // the lease still holds: nothing
    assertThat(WebhookReceiver.RECEIVED.stream().filter(r -> second.toString().equals(r.alertId())))
        .isEmpty();
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                jdbc.update(
                    "update orchestrator.alert_deliveries set next_attempt_at = ?"
                        + " where alert_id = ?",
                    now.minusSeconds(1),
                    second));
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                WebhookReceiver.RECEIVED.stream()
                    .anyMatch(r -> second.toString().equals(r.alertId())));
    for (int i = 0; i < 3; i++) {
      deliverer.deliverDue();
    }
    assertThat(
            WebhookReceiver.RECEIVED.stream()
                .filter(r -> second.toString().equals(r.alertId()))
                .map(WebhookReceiver.Received::attempt))
        .containsExactly("2");
    assertThat(deliveredFor(run)).hasSize(2); // the first alert once, the second once
  }
}
