package io.stevedore.orchestrator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.messaging.SqsQueues;
import io.stevedore.common.store.Jdbc;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** What the task-events consumer cannot use goes to the dead-letter queue with the reason. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class TaskEventConsumerTest {

  @Inject SqsClient sqs;
  @Inject SqsQueues queues;
  @Inject Jdbc jdbc;

  final List<Message> dead = new ArrayList<>();

  void send(String body, String type) {
    sqs.sendMessage(
        r -> {
          r.queueUrl(queues.url(Queues.TASK_EVENTS)).messageBody(body);
          if (type != null) {
            r.messageAttributes(
                Map.of(
                    "stevedore-type",
                    MessageAttributeValue.builder().dataType("String").stringValue(type).build(),
                    "stevedore-version",
                    MessageAttributeValue.builder().dataType("Number").stringValue("1").build()));
          }
        });
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
            + "\"}}",
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
}
