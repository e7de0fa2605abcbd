package io.stevedore.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class ConsumerTest {

  record StageDone(String stage, int attempt) {}

  @Inject Consumers consumers;
  @Inject Outbox outbox;
  @Inject SqsQueues queues;
  @Inject TestQueues test;
  @Inject DataSource dataSource;
  @Inject MessagingConfig config;
  @Inject MessagingMetrics metrics;
  @Inject MeterRegistry registry;

  private final List<SqsConsumer> started = new ArrayList<>();

  @BeforeEach
  void sideEffectTable() {
    test.execute(
        "create schema if not exists messaging_test;"
            + " create table if not exists messaging_test.side_effects"
            + " (message_id text not null, stage text not null)");
  }

  @AfterEach
  void stopConsumers() {
    started.forEach(SqsConsumer::stop);
  }

  private SqsConsumer consume(String queue, MessageHandler handler) {
    SqsConsumer consumer = consumers.start(queue, handler);
    started.add(consumer);
    return consumer;
  }

  /** The handler's own database work, on the transaction the consumer opened. */
  private void recordSideEffect(IncomingMessage message) throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "insert into messaging_test.side_effects (message_id, stage) values (?, ?)")) {
      insert.setString(1, message.id());
      insert.setString(2, message.as(StageDone.class).stage());
      insert.executeUpdate();
    }
  }

  private UUID sendCommitted(String queue, Object payload) {
    return QuarkusTransaction.requiringNew()
        .call(() -> outbox.send(queue, "stage-done", 1, payload));
  }

  private long sideEffects(Object id) {
    return test.count(
        "select count(*) from messaging_test.side_effects where message_id = ?", id.toString());
  }

  @Test
  void retriesFailingHandlerThenHandlesOnce() {
    String queue = TestQueues.uniqueQueue("retry");
    AtomicInteger calls = new AtomicInteger();
    consume(
        queue,
        message -> {
          calls.incrementAndGet();
          recordSideEffect(message);
          if (message.receiveCount() <= 2) {
            throw new IllegalStateException("warehouse busy on receive " + message.receiveCount());
          }
        });

    UUID id = sendCommitted(queue, new StageDone("load", 1));

    await().atMost(Duration.ofSeconds(15)).until(() -> sideEffects(id) == 1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> test.approximateCount(queues.url(queue)) == 0);
    assertThat(calls).hasValue(3);
    assertThat(sideEffects(id)).isEqualTo(1);
    assertThat(
            test.strings(
                "select reason from jobs.message_failures where message_id = ?"
                    + " order by receive_count",
                id.toString()))
        .containsExactly(
            "IllegalStateException: warehouse busy on receive 1",
            "IllegalStateException: warehouse busy on receive 2");
    assertThat(
            test.count(
                "select count(*) from jobs.handled_messages where consumer = ? and message_id = ?",
                consumers.consumerName(queue),
                id.toString()))
        .isEqualTo(1);
  }

  @Test
  void movesPoisonMessageToDeadLetterQueueWithReason() {
    String queue = TestQueues.uniqueQueue("poison");
    AtomicInteger calls = new AtomicInteger();
    consume(
        queue,
        message -> {
          calls.incrementAndGet();
          recordSideEffect(message);
          throw new IllegalArgumentException(
              "pipeline 'flights-daily' version "
                  + message.as(StageDone.class).attempt()
                  + " not found",
              new RuntimeException("lookup failed"));
        });

    UUID id = sendCommitted(queue, new StageDone("extract", 9));

    List<Message> dead =
        test.receiveUntil(
            queues.deadLetterUrl(queue), got -> !got.isEmpty(), Duration.ofSeconds(20));
    assertThat(dead).extracting(TestQueues::id).containsExactly(id.toString());
    int max = config.maxReceiveCount();
    assertThat(calls).hasValue(max);
    assertThat(sideEffects(id)).isZero();
    assertThat(
            test.strings(
                "select receive_count || ' ' || reason from jobs.message_failures"
                    + " where message_id = ? and queue = ? order by receive_count",
                id.toString(),
                queue))
        .hasSize(max)
        .allMatch(
            reason ->
                reason.endsWith(
                    "IllegalArgumentException: pipeline 'flights-daily' version 9 not found;"
                        + " caused by RuntimeException: lookup failed"))
        .first()
        .asString()
        .startsWith("1 ");
    assertThat(test.approximateCount(queues.url(queue))).isZero();
  }

  @Test
  void skipsRedeliveredMessageIdAlreadyHandled() {
    String queue = TestQueues.uniqueQueue("redelivery");
    AtomicInteger calls = new AtomicInteger();
    consume(
        queue,
        message -> {
          calls.incrementAndGet();
          recordSideEffect(message);
        });
    String id = UUID.randomUUID().toString();

    test.sendRaw(queue, id, "stage-done", "{\"stage\":\"transform\",\"attempt\":1}");
    await().atMost(Duration.ofSeconds(10)).until(() -> sideEffects(id) == 1);
    double duplicatesBefore = metrics.total(MessagingMetrics.DUPLICATES, queue);
    test.sendRaw(queue, id, "stage-done", "{\"stage\":\"transform\",\"attempt\":1}");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metrics.total(MessagingMetrics.DUPLICATES, queue) > duplicatesBefore);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> test.approximateCount(queues.url(queue)) == 0);
    assertThat(calls).hasValue(1);
    assertThat(sideEffects(id)).isEqualTo(1);
  }

  @Test
  void handlesConcurrentDeliveriesOfOneIdOnce() {
    String queue = TestQueues.uniqueQueue("concurrent");
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch never = new CountDownLatch(1);
    consume(
        queue,
        message -> {
          calls.incrementAndGet();
          recordSideEffect(message);
          never.await(300, TimeUnit.MILLISECONDS); // hold the transaction open a while
        });
    String id = UUID.randomUUID().toString();

    for (int i = 0; i < 5; i++) {
      test.sendRaw(queue, id, "stage-done", "{\"stage\":\"load\",\"attempt\":" + i + "}");
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metrics.total(MessagingMetrics.DUPLICATES, queue) == 4);
    assertThat(calls).hasValue(1);
    assertThat(sideEffects(id)).isEqualTo(1);
  }

  @Test
  void extendsVisibilityWhileHandlerRuns() {
    String queue = TestQueues.uniqueQueue("slow");
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    consume(
        queue,
        message -> {
          calls.incrementAndGet();
          release.await(20, TimeUnit.SECONDS);
        });
    sendCommitted(queue, new StageDone("slow", 1));
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);

    // held for more than twice the visibility timeout: extended at least twice, never redelivered
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> sqsCalls(queue, "ChangeMessageVisibilityBatch") >= 2);
    release.countDown();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> test.approximateCount(queues.url(queue)) == 0);
    assertThat(metrics.total(MessagingMetrics.RECEIVED, queue)).isEqualTo(1.0);
    assertThat(calls).hasValue(1);
  }

  private double sqsCalls(String queue, String operation) {
    return registry
        .find(MessagingMetrics.SQS_CALLS)
        .tag("queue", queue)
        .tag("operation", operation)
        .counters()
        .stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  @Test
  void stopFinishesRunningHandlerAndDeletesItsMessage() {
    String queue = TestQueues.uniqueQueue("stop");
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    SqsConsumer consumer =
        consume(
            queue,
            message -> {
              calls.incrementAndGet();
              running.countDown();
              release.await(20, TimeUnit.SECONDS);
              recordSideEffect(message);
            });
    UUID id = sendCommitted(queue, new StageDone("stop", 1));
    await().atMost(Duration.ofSeconds(10)).until(() -> running.getCount() == 0);

    Thread stopper = new Thread(consumer::stop);
    stopper.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> !consumer.isRunning());
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> !stopper.isAlive());

    assertThat(sideEffects(id)).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> test.approximateCount(queues.url(queue)) == 0);
    assertThat(calls).hasValue(1);
  }

  @Test
  void readsACompressedBodyAsJson() {
    String queue = TestQueues.uniqueQueue("gzip");
    List<IncomingMessage> seen = new CopyOnWriteArrayList<>();
    consume(queue, seen::add);
    StageDone long_ = new StageDone("s".repeat(20_000), 4);

    sendCommitted(queue, long_);

    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
    assertThat(seen.get(0).attributes())
        .containsEntry(MessageAttributes.CONTENT_ENCODING, ContentEncoding.GZIP);
    assertThat(seen.get(0).as(StageDone.class)).isEqualTo(long_);
  }

  @Test
  void movesABodyThatDoesNotDecodeToTheDeadLetterQueueWithReason() {
    String queue = TestQueues.uniqueQueue("badgzip");
    consume(queue, message -> message.as(StageDone.class));
    String id = UUID.randomUUID().toString();

    test.sendRaw(
        queue,
        id,
        "stage-done",
        "this is not gzip",
        Map.of(MessageAttributes.CONTENT_ENCODING, ContentEncoding.GZIP));

    List<Message> dead =
        test.receiveUntil(
            queues.deadLetterUrl(queue), got -> !got.isEmpty(), Duration.ofSeconds(30));
    assertThat(dead).extracting(TestQueues::id).containsExactly(id);
    assertThat(
            test.strings(
                "select reason from jobs.message_failures where message_id = ? and queue = ?",
                id,
                queue))
        .isNotEmpty()
        .allMatch(
            reason ->
                reason.contains(
                    "message "
                        + id
                        + " of type 'stage-done': the body is marked gzip but is not base64"));
  }

  @Test
  void readsTypedBodyAndAttributes() {
    String queue = TestQueues.uniqueQueue("typed");
    List<IncomingMessage> seen = new CopyOnWriteArrayList<>();
    consume(queue, seen::add);
    UUID id =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    outbox.send(
                        queue, "stage-done", 2, new StageDone("load", 3), Map.of("team", "a")));

    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
    IncomingMessage message = seen.get(0);
    assertThat(message.id()).isEqualTo(id.toString());
    assertThat(message.type()).isEqualTo("stage-done");
    assertThat(message.version()).isEqualTo(2);
    assertThat(message.receiveCount()).isEqualTo(1);
    assertThat(message.attributes()).containsEntry("team", "a");
    assertThat(message.as(StageDone.class)).isEqualTo(new StageDone("load", 3));
  }
}
