package io.stevedore.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.stevedore.common.messaging.Consumers;
import io.stevedore.common.messaging.MessageAttributes;
import io.stevedore.common.messaging.MessagingConfig;
import io.stevedore.common.messaging.MessagingMetrics;
import io.stevedore.common.messaging.Outbox;
import io.stevedore.common.messaging.OutboxRelay;
import io.stevedore.common.messaging.SqsConsumer;
import io.stevedore.common.messaging.SqsQueues;
import io.stevedore.testing.ChildServer;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Messaging benchmark: the outbox relay and the consumer loop of {@code common} beside a bare AWS
 * SDK loop, in the same run, against ElasticMQ and embedded Postgres started as child processes.
 *
 * <pre>
 * java -jar bench/target/quarkus-app/quarkus-run.jar [--messages 20000] [--rounds 3]
 *      [--bare-threads 1,4] [--pollers 2] [--workers 16]
 * </pre>
 *
 * <p>For each round and path it prints messages per second and SQS calls per message; the summary
 * takes the median round.
 */
@QuarkusMain
public class MessagingBench implements QuarkusApplication {

  private static final Logger LOG = Logger.getLogger(MessagingBench.class);

  /** Starts ElasticMQ and Postgres, points the application at them, then runs Quarkus. */
  public static void main(String... args) {
    ChildServer pg = ChildServer.get("pg");
    ChildServer sqs = ChildServer.get("sqs");
    System.setProperty(
        "quarkus.datasource.jdbc.url",
        "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + pg.property("pg.database"));
    System.setProperty("quarkus.sqs.endpoint-override", "http://127.0.0.1:" + sqs.port());
    Quarkus.run(MessagingBench.class, args);
  }

  @Inject Outbox outbox;
  @Inject OutboxRelay relay;
  @Inject Consumers consumers;
  @Inject SqsQueues queues;
  @Inject SqsClient sqs;
  @Inject MessagingMetrics metrics;
  @Inject MessagingConfig config;
  @Inject ObjectMapper mapper;
  @Inject DataSource dataSource;

  private int messages = 20_000;
  private int rounds = 3;
  private int[] bareThreads;
  private int pollers;
  private int workers;
  private final String body = payload();
  private JsonNode json;

  /** A body of about 200 bytes, like a run-requested event. */
  private static String payload() {
    return "{\"runId\":\""
        + UUID.randomUUID()
        + "\",\"pipeline\":\"flights-daily\",\"version\":3,\"team\":\"analytics\","
        + "\"trigger\":\"SCHEDULE\",\"logicalDate\":\"2026-11-26T02:00:00Z\","
        + "\"parameters\":{\"region\":\"eu-central-1\"}}";
  }

  @Override
  public int run(String... args) throws Exception {
    json = mapper.readTree(body);
    pollers = 2;
    workers = 16;
    bareThreads = new int[] {1, config.relay().senders()};
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--messages" -> messages = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--bare-threads" ->
            bareThreads =
                Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--pollers" -> pollers = Integer.parseInt(args[i + 1]);
        case "--workers" -> workers = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "messaging benchmark: %d messages of %d bytes, %d rounds (+1 warm-up of %d), %d cores,"
            + " relay: batch %d, %d senders; consumer: %d pollers, %d workers%n",
        messages,
        body.length(),
        rounds,
        Math.max(1000, messages / 10),
        Runtime.getRuntime().availableProcessors(),
        config.relay().batchSize(),
        config.relay().senders(),
        pollers,
        workers);

    Round warmUp = round("warm", Math.max(1000, messages / 10));
    System.out.println("warm-up done: " + warmUp.describe());
    List<Round> measured = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      Round round = round("r" + r, messages);
      System.out.println("round " + r + ": " + round.describe());
      measured.add(round);
    }
    summarize(measured);
    return 0;
  }

  /** One round of every path, on queues of its own. */
  private Round round(String name, int n) throws Exception {
    Round round = new Round();
    for (int threads : bareThreads) {
      String bare = "bench-bare-" + name + "-t" + threads;
      round.bareSend.add(bareSend(bare, n, threads));
      round.bareReceive.add(bareReceive(bare, n, threads));
    }
    String queue = "bench-outbox-" + name;
    queues.url(queue);
    round.outboxWrite = outboxWrite(queue, n);
    round.relay = relayDrain(queue, n);
    round.consumer = consume(queue, n);
    round.dbFloor = handledIdTransactions(n);
    return round;
  }

  /** (a) SendMessageBatch of 10 with the same attributes the relay sets. */
  private Result bareSend(String queue, int n, int threads) throws Exception {
    String url = queues.url(queue);
    AtomicInteger next = new AtomicInteger();
    AtomicLong calls = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(
          pool.submit(
              () -> {
                while (true) {
                  int from = next.getAndAdd(10);
                  if (from >= n) {
                    return null;
                  }
                  List<SendMessageBatchRequestEntry> entries = new ArrayList<>(10);
                  for (int i = from; i < Math.min(n, from + 10); i++) {
                    entries.add(
                        SendMessageBatchRequestEntry.builder()
                            .id(Integer.toString(i - from))
                            .messageBody(body)
                            .messageAttributes(attributes())
                            .build());
                  }
                  var response = sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries));
                  calls.incrementAndGet();
                  if (!response.failed().isEmpty()) {
                    throw new IllegalStateException("bare send failed: " + response.failed());
                  }
                }
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    long nanos = System.nanoTime() - start;
    pool.shutdown();
    return new Result("bare send, " + threads + " thread(s)", n, nanos, calls.get());
  }

  private static Map<String, MessageAttributeValue> attributes() {
    return Map.of(
        MessageAttributes.MESSAGE_ID,
        string(UUID.randomUUID().toString()),
        MessageAttributes.TYPE,
        string("run-requested"),
        MessageAttributes.VERSION,
        MessageAttributeValue.builder().dataType("Number").stringValue("1").build());
  }

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  /** (a) ReceiveMessage of 10 (long polling) and DeleteMessageBatch, per thread in turn. */
  private Result bareReceive(String queue, int n, int threads) throws Exception {
    String url = queues.url(queue);
    AtomicInteger received = new AtomicInteger();
    AtomicLong calls = new AtomicLong();
    CountDownLatch all = new CountDownLatch(1);
    AtomicLong end = new AtomicLong();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "bare-receiver");
              t.setDaemon(true);
              return t;
            });
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      pool.submit(
          () -> {
            while (received.get() < n) {
              List<Message> got =
                  sqs.receiveMessage(
                          b ->
                              b.queueUrl(url)
                                  .maxNumberOfMessages(10)
                                  .waitTimeSeconds(20)
                                  .messageAttributeNames("All"))
                      .messages();
              calls.incrementAndGet();
              if (got.isEmpty()) {
                continue;
              }
              List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(got.size());
              for (int i = 0; i < got.size(); i++) {
                entries.add(
                    DeleteMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .receiptHandle(got.get(i).receiptHandle())
                        .build());
              }
              sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(entries));
              calls.incrementAndGet();
              if (received.addAndGet(got.size()) >= n) {
                end.compareAndSet(0, System.nanoTime());
                all.countDown();
              }
            }
            return null;
          });
    }
    if (!all.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("bare receive did not finish: " + received.get());
    }
    pool.shutdown(); // a thread still long-polling the empty queue ends on its own
    return new Result(
        "bare receive+delete, " + threads + " thread(s)", n, end.get() - start, calls.get());
  }

  /** Outbox writes: 100 sends per transaction (not a relay figure; printed for context). */
  private Result outboxWrite(String queue, int n) {
    long start = System.nanoTime();
    for (int from = 0; from < n; from += 100) {
      int size = Math.min(n, from + 100) - from;
      QuarkusTransaction.requiringNew()
          .run(
              () -> {
                for (int i = 0; i < size; i++) {
                  outbox.send(queue, "run-requested", 1, json);
                }
              });
    }
    return new Result("outbox write, 100 per tx", n, System.nanoTime() - start, 0);
  }

  /** (b) The relay publishing the committed rows. */
  private Result relayDrain(String queue, int n) {
    double callsBefore = metrics.total(MessagingMetrics.SQS_CALLS, queue);
    double sentBefore = metrics.total(MessagingMetrics.SENT, queue);
    long start = System.nanoTime();
    int sent = relay.drain();
    long nanos = System.nanoTime() - start;
    double calls = metrics.total(MessagingMetrics.SQS_CALLS, queue) - callsBefore;
    if (sent != n || metrics.total(MessagingMetrics.SENT, queue) - sentBefore != n) {
      throw new IllegalStateException("relay sent " + sent + " of " + n);
    }
    return new Result("outbox relay", n, nanos, (long) calls);
  }

  /** (c) The consumer loop: each message in its own transaction with its handled-id record. */
  private Result consume(String queue, int n) throws Exception {
    double callsBefore = metrics.total(MessagingMetrics.SQS_CALLS, queue);
    AtomicInteger handled = new AtomicInteger();
    CountDownLatch all = new CountDownLatch(1);
    long start = System.nanoTime();
    SqsConsumer consumer =
        consumers.start(
            queue,
            message -> {
              if (handled.incrementAndGet() == n) {
                all.countDown();
              }
            },
            pollers,
            workers);
    if (!all.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("consumer did not finish: " + handled.get());
    }
    consumer.stop(); // deletes the last partial batch
    long nanos = System.nanoTime() - start;
    double calls = metrics.total(MessagingMetrics.SQS_CALLS, queue) - callsBefore;
    return new Result(
        "consumer loop, " + pollers + " poller(s), " + workers + " workers",
        n,
        nanos,
        (long) calls);
  }

  /**
   * The consumer's database floor, without SQS: one transaction per message that records a handled
   * id, on as many threads as the consumer has workers.
   */
  private Result handledIdTransactions(int n) throws Exception {
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    String consumer = "bench-floor-" + UUID.randomUUID();
    long start = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < workers; t++) {
      done.add(
          pool.submit(
              () -> {
                while (next.getAndIncrement() < n) {
                  QuarkusTransaction.requiringNew()
                      .run(
                          () -> {
                            try (Connection c = dataSource.getConnection();
                                PreparedStatement insert =
                                    c.prepareStatement(
                                        "insert into jobs.handled_messages (consumer, message_id)"
                                            + " values (?, ?) on conflict do nothing")) {
                              insert.setString(1, consumer);
                              insert.setString(2, UUID.randomUUID().toString());
                              insert.executeUpdate();
                            } catch (SQLException e) {
                              throw new IllegalStateException(e);
                            }
                          });
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    long nanos = System.nanoTime() - start;
    pool.shutdown();
    return new Result("DB only: handled-id tx, " + workers + " threads", n, nanos, 0);
  }

  private void summarize(List<Round> rounds) {
    Round median =
        rounds.stream()
            .sorted((a, b) -> Double.compare(a.relay.rate(), b.relay.rate()))
            .toList()
            .get(rounds.size() / 2);
    System.out.println();
    System.out.println("summary (median round by relay rate)");
    System.out.printf(Locale.ROOT, "%-44s %10s %14s%n", "path", "msgs/s", "SQS calls/msg");
    median.bareSend.forEach(r -> System.out.println(r.row()));
    System.out.println(median.outboxWrite.row());
    System.out.println(median.relay.row());
    median.bareReceive.forEach(r -> System.out.println(r.row()));
    System.out.println(median.consumer.row());
    System.out.println(median.dbFloor.row());
    System.out.println();
    for (Result bare : median.bareSend) {
      System.out.printf(
          Locale.ROOT,
          "relay    = %5.1f%% of %s%n",
          100 * median.relay.rate() / bare.rate(),
          bare.name);
    }
    for (Result bare : median.bareReceive) {
      System.out.printf(
          Locale.ROOT,
          "consumer = %5.1f%% of %s%n",
          100 * median.consumer.rate() / bare.rate(),
          bare.name);
    }
    LOG.info("benchmark finished");
  }

  private static final class Round {
    final List<Result> bareSend = new ArrayList<>();
    final List<Result> bareReceive = new ArrayList<>();
    Result outboxWrite;
    Result relay;
    Result consumer;
    Result dbFloor;

    String describe() {
      StringBuilder s = new StringBuilder();
      bareSend.forEach(r -> s.append("\n  ").append(r.row()));
      s.append("\n  ").append(outboxWrite.row());
      s.append("\n  ").append(relay.row());
      bareReceive.forEach(r -> s.append("\n  ").append(r.row()));
      s.append("\n  ").append(consumer.row());
      s.append("\n  ").append(dbFloor.row());
      return s.toString();
    }
  }

  private record Result(String name, int messages, long nanos, long calls) {
    double rate() {
      return messages / (nanos / 1e9);
    }

    String row() {
      return String.format(
          Locale.ROOT,
          "%-44s %10.0f %14s",
          name,
          rate(),
          calls == 0 ? "-" : String.format(Locale.ROOT, "%.3f", (double) calls / messages));
    }
  }
}
