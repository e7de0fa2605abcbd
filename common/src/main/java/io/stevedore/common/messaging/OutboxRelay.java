package io.stevedore.common.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * Publishes committed {@code jobs.outbox} rows to SQS.
 *
 * <p>Each round claims up to {@code relay.batch-size} due rows with {@code FOR UPDATE SKIP LOCKED}
 * (so several replicas share the work), publishes them with SendMessageBatch (10 per call, grouped
 * by queue, calls in parallel on {@code relay.senders} threads), then, in the same local
 * transaction, deletes the rows that were sent and reschedules the others with exponential backoff
 * and their last error. Delivery is at least once: a crash between the publication and the commit
 * sends those rows again, and consumers deduplicate on the message id.
 *
 * <p>The background loop drains at start-up, after every commit that wrote outbox rows ({@link
 * #wake()}) and every {@code relay.poll-interval}; it also prunes the consumers' bookkeeping
 * tables.
 */
@ApplicationScoped
public class OutboxRelay {

  /** Shutdown observer priority: after the consumers stopped (their handlers may still send). */
  static final int SHUTDOWN_PRIORITY = 2000;

  /** SendMessageBatch takes at most 10 entries and 256 KiB in all. */
  static final int MAX_ENTRIES = 10;

  static final int MAX_BATCH_BYTES = 256 * 1024;

  private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

  private final DataSource dataSource;
  private final SqsClient sqs;
  private final SqsQueues queues;
  private final MessagingConfig config;
  private final MessagingMetrics metrics;
  private final OutboxStore store;
  private final ExecutorService senders;

  private final Object signal = new Object();
  private boolean wakeRequested;
  private volatile boolean running;
  private Thread loop;
  private long lastPruneNanos = System.nanoTime();
  private boolean failing;

  OutboxRelay(
      DataSource dataSource,
      SqsClient sqs,
      SqsQueues queues,
      MessagingConfig config,
      MessagingMetrics metrics,
      ObjectMapper mapper) {
    this.dataSource = dataSource;
    this.sqs = sqs;
    this.queues = queues;
    this.config = config;
    this.metrics = metrics;
    this.store = new OutboxStore(mapper);
    AtomicInteger n = new AtomicInteger();
    this.senders =
        Executors.newFixedThreadPool(
            Math.max(1, config.relay().senders()),
            r -> {
              Thread t = new Thread(r, "stevedore-outbox-sender-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  void onStart(@Observes @Priority(SqsQueues.STARTUP_PRIORITY) StartupEvent event) {
    if (config.relay().enabled()) {
      start();
    }
  }

  void onStop(@Observes @Priority(SHUTDOWN_PRIORITY) ShutdownEvent event) {
    stop();
  }

  /** Starts the background loop (done at start-up unless {@code relay.enabled} is false). */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    loop = new Thread(this::run, "stevedore-outbox-relay");
    loop.setDaemon(true);
    loop.start();
  }

  /** Stops the background loop after its current round. */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    wake();
    try {
      loop.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @PreDestroy
  void close() {
    senders.shutdownNow();
  }

  /** Asks the background loop for a round now (called after a commit that wrote outbox rows). */
  public void wake() {
    synchronized (signal) {
      wakeRequested = true;
      signal.notifyAll();
    }
  }

  /**
   * Publishes every row that is due now, on the calling thread; returns how many were sent. Rows
   * that fail are rescheduled and not retried by this call.
   */
  public int drain() {
    int sent = 0;
    while (true) {
      int[] round = round();
      sent += round[1];
      if (round[0] < config.relay().batchSize()) {
        return sent;
      }
    }
  }

  private void run() {
    LOG.debug("outbox relay started");
    while (running) {
      try {
        drain();
        if (failing) {
          failing = false;
          LOG.info("outbox relay recovered");
        }
      } catch (Exception e) {
        if (!failing) {
          failing = true;
          LOG.warnf(
              "outbox relay failed, retrying every %s: %s",
              config.relay().pollInterval(), Failures.summary(e));
        } else {
          LOG.debugf("outbox relay still failing: %s", Failures.summary(e));
        }
      }
      pruneIfDue();
      if (awaitWake(config.relay().pollInterval())) {
        linger();
      }
    }
    LOG.debug("outbox relay stopped");
  }

  /** Waits for a wake-up or the timeout; returns whether it was woken (rather than timed out). */
  private boolean awaitWake(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (signal) {
      try {
        while (!wakeRequested && running) {
          long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (remaining <= 0) {
            break;
          }
          signal.wait(remaining);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
      boolean woken = wakeRequested;
      wakeRequested = false;
      return woken;
    }
  }

  /** Lets the commits that come right after a wake-up join its round (see {@code relay.linger}). */
  private void linger() {
    long nanos = config.relay().linger().toNanos();
    if (nanos <= 0 || !running) {
      return;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** One claim-publish-commit round: returns {claimed, sent}. */
  private int[] round() {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        List<OutboxStore.Row> rows = store.claimDue(connection, config.relay().batchSize());
        if (rows.isEmpty()) {
          connection.commit();
          return new int[] {0, 0};
        }
        long started = System.nanoTime();
        Outcome outcome = publish(rows);
        store.delete(connection, outcome.sent);
        store.reschedule(connection, outcome.retries);
        connection.commit();
        long publishMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        for (OutboxStore.Row row : outcome.sentRows) {
          metrics.count(MessagingMetrics.SENT, row.message().queue(), 1);
          metrics.relayLag(row.message().queue(), row.ageMillis() + publishMillis);
        }
        return new int[] {rows.size(), outcome.sent.size()};
      } catch (SQLException | RuntimeException e) {
        rollback(connection);
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("outbox relay round failed: " + e.getMessage(), e);
    }
  }

  private static void rollback(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      LOG.debugf("rollback failed: %s", e.getMessage());
    }
  }

  private Outcome publish(List<OutboxStore.Row> rows) {
    Map<String, List<OutboxStore.Row>> byQueue = new LinkedHashMap<>();
    for (OutboxStore.Row row : rows) {
      byQueue.computeIfAbsent(row.message().queue(), q -> new ArrayList<>()).add(row);
    }
    Outcome outcome = new Outcome();
    List<Chunk> chunks = new ArrayList<>();
    byQueue.forEach(
        (queue, queued) -> {
          String url;
          try {
            url = queues.url(queue);
          } catch (RuntimeException e) {
            String error = Failures.summary(e);
            queued.forEach(row -> outcome.failed(row, error));
            return;
          }
          Chunk chunk = new Chunk(queue, url);
          for (OutboxStore.Row row : queued) {
            ContentEncoding.Encoded body = ContentEncoding.encode(row.message().body());
            int size = size(row.message(), body);
            if (!chunk.rows.isEmpty()
                && (chunk.rows.size() == MAX_ENTRIES || chunk.bytes + size > MAX_BATCH_BYTES)) {
              chunks.add(chunk);
              chunk = new Chunk(queue, url);
            }
            chunk.rows.add(row);
            chunk.bodies.add(body);
            chunk.bytes += size;
          }
          chunks.add(chunk);
        });
    if (chunks.size() == 1) {
      chunks.get(0).send(outcome);
      return outcome;
    }
    List<Future<?>> futures = new ArrayList<>(chunks.size());
    for (Chunk chunk : chunks) {
      futures.add(senders.submit(() -> chunk.send(outcome)));
    }
    for (Future<?> future : futures) {
      try {
        future.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("outbox publication failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while publishing the outbox", e);
      }
    }
    return outcome;
  }

  private static int size(OutgoingMessage message, ContentEncoding.Encoded body) {
    int size = body.body().getBytes(StandardCharsets.UTF_8).length + 100;
    for (Map.Entry<String, String> attribute : message.attributes().entrySet()) {
      size += attribute.getKey().length() + attribute.getValue().length() + 10;
    }
    return size;
  }

  private Duration backoff(int attempts) {
    Duration initial = config.relay().initialBackoff();
    Duration max = config.relay().maxBackoff();
    int shift = Math.min(attempts, 30);
    long millis = initial.toMillis() << shift;
    return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
  }

  private static Map<String, MessageAttributeValue> attributes(
      OutgoingMessage message, ContentEncoding.Encoded body) {
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    if (body.encoding() != null) {
      attributes.put(MessageAttributes.CONTENT_ENCODING, string(body.encoding()));
    }
    attributes.put(MessageAttributes.MESSAGE_ID, string(message.messageId().toString()));
    attributes.put(MessageAttributes.TYPE, string(message.type()));
    attributes.put(
        MessageAttributes.VERSION,
        MessageAttributeValue.builder()
            .dataType("Number")
            .stringValue(Integer.toString(message.version()))
            .build());
    message.attributes().forEach((k, v) -> attributes.put(k, string(v)));
    return attributes;
  }

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  private void pruneIfDue() {
    long now = System.nanoTime();
    if (now - lastPruneNanos < config.retention().pruneInterval().toNanos()) {
      return;
    }
    lastPruneNanos = now;
    try (Connection connection = dataSource.getConnection()) {
      int[] pruned =
          ConsumerStore.prune(
              connection, config.retention().handledMessages(), config.retention().failures());
      LOG.debugf("pruned %d handled message ids and %d failure records", pruned[0], pruned[1]);
    } catch (SQLException | RuntimeException e) {
      LOG.warnf("pruning messaging tables failed: %s", Failures.summary(e));
    }
  }

  /** What happened to the claimed rows; chunks add to it from the sender threads. */
  private final class Outcome {
    final List<Long> sent = new ArrayList<>();
    final List<OutboxStore.Row> sentRows = new ArrayList<>();
    final List<OutboxStore.Retry> retries = new ArrayList<>();

    synchronized void sent(OutboxStore.Row row) {
      sent.add(row.id());
      sentRows.add(row);
    }

    synchronized void failed(OutboxStore.Row row, String error) {
      retries.add(new OutboxStore.Retry(row.id(), backoff(row.attempts()), error));
      metrics.count(MessagingMetrics.PUBLISH_FAILED, row.message().queue(), 1);
      LOG.debugf(
          "outbox message %s to queue %s failed (attempt %d): %s",
          row.message().messageId(), row.message().queue(), row.attempts() + 1, error);
    }
  }

  /** Up to 10 rows of one queue, published with one SendMessageBatch call. */
  private final class Chunk {
    final String queue;
    final String url;
    final List<OutboxStore.Row> rows = new ArrayList<>(MAX_ENTRIES);
    final List<ContentEncoding.Encoded> bodies = new ArrayList<>(MAX_ENTRIES);
    int bytes;

    Chunk(String queue, String url) {
      this.queue = queue;
      this.url = url;
    }

    void send(Outcome outcome) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        OutgoingMessage message = rows.get(i).message();
        entries.add(
            SendMessageBatchRequestEntry.builder()
                .id(Integer.toString(i))
                .messageBody(bodies.get(i).body())
                .messageAttributes(attributes(message, bodies.get(i)))
                .build());
      }
      SendMessageBatchResponse response;
      try {
        metrics.sqsCall(queue, "SendMessageBatch");
        response = sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries));
      } catch (SdkException e) {
        String error = Failures.summary(e);
        rows.forEach(row -> outcome.failed(row, error));
        return;
      }
      for (SendMessageBatchResultEntry ok : response.successful()) {
        outcome.sent(rows.get(Integer.parseInt(ok.id())));
      }
      for (BatchResultErrorEntry failed : response.failed()) {
        outcome.failed(
            rows.get(Integer.parseInt(failed.id())), failed.code() + ": " + failed.message());
      }
    }
  }
}
