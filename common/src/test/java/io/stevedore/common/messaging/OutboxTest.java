package io.stevedore.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.common.contract.MessageContract;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class OutboxTest {

  record RunRequested(String runId, int priority) {}

  record StageRetry(String stage, int attempt) implements MessageContract {
    @Override
    public String contractType() {
      return "stage-retry";
    }

    @Override
    public int contractVersion() {
      return 2;
    }
  }

  @Inject Outbox outbox;
  @Inject SqsQueues queues;
  @Inject TestQueues test;
  @Inject SqsClient sqs;
  @Inject ObjectMapper mapper;

  @Test
  void neverSendsMessageOfRolledBackTransaction() {
    String queue = TestQueues.uniqueQueue("rollback");
    AtomicReference<UUID> doomed = new AtomicReference<>();
    assertThatThrownBy(
            () ->
                QuarkusTransaction.requiringNew()
                    .run(
                        () -> {
                          doomed.set(outbox.send(queue, "doomed", 1, new RunRequested("r-1", 1)));
                          throw new IllegalStateException("state change refused");
                        }))
        .hasMessageContaining("state change refused");
    UUID marker =
        QuarkusTransaction.requiringNew()
            .call(() -> outbox.send(queue, "marker", 1, new RunRequested("r-2", 2)));

    List<Message> received =
        test.receiveUntil(
            queues.url(queue),
            got -> got.stream().anyMatch(m -> marker.toString().equals(TestQueues.id(m))),
            Duration.ofSeconds(10));

    assertThat(received).extracting(TestQueues::id).containsExactly(marker.toString());
    assertThat(test.count("select count(*) from jobs.outbox where message_id = ?", doomed.get()))
        .isZero();
  }

  @Test
  void publishesCommittedMessageWithIdTypeVersionAndJsonBody() {
    String queue = TestQueues.uniqueQueue("attributes");
    UUID id =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    outbox.send(
                        queue,
                        "run-requested",
                        3,
                        new RunRequested("r-7", 5),
                        Map.of("team", "analytics")));

    Message message =
        test.receiveUntil(queues.url(queue), got -> !got.isEmpty(), Duration.ofSeconds(10)).get(0);

    assertThat(message.body()).isEqualTo("{\"runId\":\"r-7\",\"priority\":5}");
    assertThat(message.messageAttributes())
        .hasEntrySatisfying(
            MessageAttributes.MESSAGE_ID, v -> assertThat(v.stringValue()).isEqualTo(id.toString()))
        .hasEntrySatisfying(
            MessageAttributes.TYPE, v -> assertThat(v.stringValue()).isEqualTo("run-requested"))
        .hasEntrySatisfying(
            MessageAttributes.VERSION, v -> assertThat(v.stringValue()).isEqualTo("3"))
        .hasEntrySatisfying("team", v -> assertThat(v.stringValue()).isEqualTo("analytics"))
        .doesNotContainKey(MessageAttributes.CONTENT_ENCODING);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> test.count("select count(*) from jobs.outbox where message_id = ?", id) == 0);
  }

  record Many(List<RunRequested> runs) {}

  @Test
  void compressesALongBodyAndMarksItsEncoding() throws Exception {
    String queue = TestQueues.uniqueQueue("gzip");
    List<RunRequested> runs = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      runs.add(new RunRequested("run-" + i, i % 5));
    }
    Many payload = new Many(runs);
    QuarkusTransaction.requiringNew().run(() -> outbox.send(queue, "many", 1, payload));

    Message message =
        test.receiveUntil(queues.url(queue), got -> !got.isEmpty(), Duration.ofSeconds(10)).get(0);

    String json = mapper.writeValueAsString(payload);
    assertThat(json.length()).isGreaterThan(ContentEncoding.COMPRESS_ABOVE);
    assertThat(message.messageAttributes().get(MessageAttributes.CONTENT_ENCODING).stringValue())
        .isEqualTo(ContentEncoding.GZIP);
    assertThat(message.body().length()).isLessThan(json.length() / 4);
    assertThat(ContentEncoding.bodyOf(message)).isEqualTo(json);
  }

  @Test
  void sendsMessageContractWithItsTypeAndVersion() {
    String queue = TestQueues.uniqueQueue("contract");
    QuarkusTransaction.requiringNew().run(() -> outbox.send(queue, new StageRetry("load", 2)));

    Message message =
        test.receiveUntil(queues.url(queue), got -> !got.isEmpty(), Duration.ofSeconds(10)).get(0);

    assertThat(message.body()).isEqualTo("{\"stage\":\"load\",\"attempt\":2}");
    assertThat(message.messageAttributes().get(MessageAttributes.TYPE).stringValue())
        .isEqualTo("stage-retry");
    assertThat(message.messageAttributes().get(MessageAttributes.VERSION).stringValue())
        .isEqualTo("2");
  }

  @Test
  void refusesToSendWithoutTransaction() {
    assertThatThrownBy(() -> outbox.send("anything", "run-requested", 1, Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs an active transaction");
  }

  @Test
  void retriesFailedPublicationWithBackoffAndRecordsError() {
    String name = TestQueues.uniqueQueue("late");
    // a full URL of a queue that does not exist yet: publishing fails until it is created
    String existing = queues.url(TestQueues.uniqueQueue("any"));
    String missingUrl = existing.substring(0, existing.lastIndexOf('/') + 1) + name;
    UUID id =
        QuarkusTransaction.requiringNew()
            .call(() -> outbox.send(missingUrl, "late", 1, Map.of("n", 1)));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                test.count(
                        "select count(*) from jobs.outbox where message_id = ? and attempts >= 2"
                            + " and last_error is not null",
                        id)
                    == 1);
    assertThat(test.strings("select last_error from jobs.outbox where message_id = ?", id).get(0))
        .doesNotContain("\tat ");

    sqs.createQueue(b -> b.queueName(name));
    List<Message> received =
        test.receiveUntil(missingUrl, got -> !got.isEmpty(), Duration.ofSeconds(15));
    assertThat(received).extracting(TestQueues::id).containsExactly(id.toString());
  }
}
