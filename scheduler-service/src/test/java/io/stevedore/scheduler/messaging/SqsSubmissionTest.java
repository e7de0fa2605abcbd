package io.stevedore.scheduler.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.scheduler.Teams;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Submissions over the SQS submissions queue: accepted, rejected with a reply, or dead-lettered.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class SqsSubmissionTest {

  @Inject SqsClient sqs;
  @Inject DataSource dataSource;
  @Inject ObjectMapper mapper;

  Teams.Team team;
  String replyQueue;
  String replyUrl;
  String submissionsUrl;

  @BeforeEach
  void setUp() {
    team = Teams.create("sqs");
    team.as()
        .contentType("application/yaml")
        .body(Teams.spec(team.name(), "daily", null))
        .post("/api/v1/pipelines")
        .then()
        .statusCode(201);
    replyQueue = "replies-" + UUID.randomUUID().toString().substring(0, 8);
    replyUrl = sqs.createQueue(r -> r.queueName(replyQueue)).queueUrl();
    submissionsUrl = sqs.getQueueUrl(r -> r.queueName("stevedore-submissions")).queueUrl();
  }

  void send(String body, String idempotencyKey) {
    sqs.sendMessage(
        r -> {
          r.queueUrl(submissionsUrl).messageBody(body);
          if (idempotencyKey != null) {
            r.messageAttributes(
                Map.of(
                    "Idempotency-Key",
                    MessageAttributeValue.builder()
                        .dataType("String")
                        .stringValue(idempotencyKey)
                        .build()));
          }
        });
  }

  String submission(String teamName, String pipeline, Map<String, String> parameters) {
    try {
      return mapper.writeValueAsString(
          Map.of(
              "team", teamName,
              "pipeline", pipeline,
              "parameters", parameters,
              "logicalDate", "2026-11-20",
              "replyTo", replyQueue));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  JsonNode nextReply() {
    List<Message> got = new ArrayList<>();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              got.addAll(
                  sqs.receiveMessage(
                          r -> r.queueUrl(replyUrl).waitTimeSeconds(1).maxNumberOfMessages(1))
                      .messages());
              return !got.isEmpty();
            });
    Message m = got.get(0);
    sqs.deleteMessage(r -> r.queueUrl(replyUrl).receiptHandle(m.receiptHandle()));
    try {
      return mapper.readTree(m.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  int count(String sql, Object... params) throws Exception {
    try (Connection c = dataSource.getConnection();
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

  @Test
  void acceptedSubmissionCreatesARunAndRepliesWithItsId() throws Exception {
    send(submission(team.name(), "daily", Map.of("region", "eu")), "sqs-key-1");
    JsonNode reply = nextReply();
    assertThat(reply.path("outcome").asText()).isEqualTo("ACCEPTED");
    String runId = reply.path("runId").asText();
    team.as()
        .get("/api/v1/runs/" + runId)
        .then()
        .statusCode(200)
        .body("trigger", org.hamcrest.Matchers.equalTo("SQS"))
        .body("parameters.region", org.hamcrest.Matchers.equalTo("eu"));

    // a retried submission with the same key returns the same run
    send(submission(team.name(), "daily", Map.of("region", "eu")), "sqs-key-1");
    JsonNode again = nextReply();
    assertThat(again.path("runId").asText()).isEqualTo(runId);
    assertThat(
            count(
                "select count(*) from jobs.runs r join jobs.teams t on t.id = r.team_id"
                    + " where t.name = ?",
                team.name()))
        .isEqualTo(1);
  }

  @Test
  void sqsAndHttpShareIdempotencyKeys() throws Exception {
    String httpRun =
        team.as()
            .header("Idempotency-Key", "shared-key")
            .contentType("application/json")
            .body(Map.of("parameters", Map.of("region", "eu"), "logicalDate", "2026-11-20"))
            .post("/api/v1/pipelines/daily/runs")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    // same key, different request (a replyTo does not count, the region does)
    send(submission(team.name(), "daily", Map.of("region", "us")), "shared-key");
    JsonNode reply = nextReply();
    assertThat(reply.path("outcome").asText()).isEqualTo("REJECTED");
    assertThat(reply.path("reasons").toString()).contains("already used for a different request");
    assertThat(httpRun).isNotBlank();
  }

  @Test
  void unknownTeamOrPipelineOrParameterIsRejectedWithReasonsAndRecorded() throws Exception {
    send(submission("no-such-team", "daily", Map.of()), null);
    JsonNode noTeam = nextReply();
    assertThat(noTeam.path("outcome").asText()).isEqualTo("REJECTED");
    assertThat(noTeam.path("reasons").get(0).asText()).isEqualTo("team 'no-such-team' not found");

    send(submission(team.name(), "nope", Map.of()), null);
    assertThat(nextReply().path("reasons").get(0).asText()).isEqualTo("pipeline 'nope' not found");

    send(submission(team.name(), "daily", Map.of("regoin", "eu")), null);
    assertThat(nextReply().path("reasons").get(0).asText())
        .startsWith("parameters.regoin: unknown parameter");

    assertThat(
            count(
                "select count(*) from scheduler.submission_rejections where reply_to = ?",
                replyQueue))
        .isEqualTo(3);
  }

  @Test
  void unparseableMessageGoesToTheDeadLetterQueueWithItsReasonStored() throws Exception {
    String dlq = sqs.getQueueUrl(r -> r.queueName("stevedore-submissions-dlq")).queueUrl();
    String marker = "not json " + UUID.randomUUID();
    send(marker, null);
    List<Message> dead = new ArrayList<>();
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              sqs
                  .receiveMessage(r -> r.queueUrl(dlq).waitTimeSeconds(1).maxNumberOfMessages(10))
                  .messages()
                  .stream()
                  .filter(m -> m.body().equals(marker))
                  .forEach(dead::add);
              return !dead.isEmpty();
            });
    assertThat(
            count(
                "select count(*) from jobs.message_failures where message_id = ?"
                    + " and reason like '%not a valid SubmissionMessage%'",
                dead.get(0).messageId()))
        .isGreaterThanOrEqualTo(1);
  }
}
