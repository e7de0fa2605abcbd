package io.stevedore.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.testing.SharedData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Heartbeats and the RESULT event on a real SQS queue (ElasticMQ), as the orchestrator reads them.
 */
class ReportingIT {

  private final Fixture fx = new Fixture();
  private final SqsClient sqs = WorkerProcess.sqs();

  @Test
  void sendsHeartbeatsAndOneResultWithOutputsAndStatsOnTheTaskEventsQueue() {
    String queue = sqs.createQueue(b -> b.queueName("task-events-" + fx.runId)).queueUrl();
    fx.put(Fixture.RAW, "report/" + fx.runId + "/airports.csv", SharedData.file("airports.csv"));
    ObjectNode stage = Fixture.stage("extract-airports", "extract");
    ObjectNode source = stage.putObject("source");
    source.put("kind", "s3");
    source.put("uri", "s3://raw/report/" + fx.runId + "/airports.csv");
    source.put("format", "csv");
    UUID stageRunId = UUID.randomUUID();
    Map<String, String> env = fx.stageEnv(stage, stageRunId);
    env.put("STEVEDORE_TASK_EVENTS_QUEUE_URL", queue);

    WorkerProcess.Result r = WorkerProcess.run(env, "extract");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      List<Message> batch =
          sqs.receiveMessage(
                  b ->
                      b.queueUrl(queue)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .messageAttributeNames("All"))
              .messages();
      messages.addAll(batch);
      if (batch.isEmpty() && !messages.isEmpty()) {
        break;
      }
    }
    List<JsonNode> bodies = messages.stream().map(m -> Fixture.json(m.body())).toList();
    assertThat(bodies).extracting(b -> b.path("kind").asText()).contains("HEARTBEAT");
    List<Message> results =
        messages.stream()
            .filter(m -> Fixture.json(m.body()).path("kind").asText().equals("RESULT"))
            .toList();
    assertThat(results).hasSize(1);
    Message result = results.get(0);
    Map<String, MessageAttributeValue> attributes = result.messageAttributes();
    assertThat(attributes.get("stevedore-type").stringValue()).isEqualTo("task-event");
    assertThat(attributes.get("stevedore-version").stringValue()).isEqualTo("1");
    assertThat(attributes.get("stevedore-message-id").stringValue())
        .isEqualTo(
            UUID.nameUUIDFromBytes(
                    ("stevedore-result:" + stageRunId).getBytes(StandardCharsets.UTF_8))
                .toString());
    messages.stream()
        .filter(m -> m != result)
        .forEach(
            m ->
                assertThat(m.messageAttributes().get("stevedore-message-id").stringValue())
                    .isNotEqualTo(attributes.get("stevedore-message-id").stringValue()));
    JsonNode body = Fixture.json(result.body());
    assertThat(body.path("stageRunId").asText()).isEqualTo(stageRunId.toString());
    assertThat(body.path("runId").asText()).isEqualTo(fx.runId.toString());
    assertThat(body.path("stageId").asText()).isEqualTo("extract-airports");
    assertThat(body.path("attempt").asInt()).isEqualTo(1);
    assertThat(body.path("launcher").asText()).isEqualTo("local");
    assertThat(body.path("at").asText()).isNotEmpty();
    assertThat(body.path("outputs").path("data").asText())
        .isEqualTo("s3://stevedore-stages/" + fx.outputPrefix("extract-airports"));
    long airports =
        Fixture.duckdbLong(
            "SELECT count(*) FROM read_csv(" + Fixture.path(SharedData.file("airports.csv")) + ")");
    assertThat(body.path("result").path("rowsOut").asLong()).isEqualTo(airports);
    assertThat(body.path("result").path("bytesOut").asLong()).isPositive();
    assertThat(body.path("result").path("durationMs").asLong()).isPositive();
    assertThat(body.path("result").path("schema").get(0).path("name").asText()).isEqualTo("iata");
    assertThat(Fixture.json(r.stdout().strip())).isEqualTo(body);
  }
}
