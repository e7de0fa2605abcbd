package io.stevedore.common.messaging;

import io.micrometer.core.instrument.Counter;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import jakarta.transaction.Status;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * A running consumer of one queue, started by {@link Consumers}.
 *
 * <p>Poller threads long-poll with ReceiveMessage (10 per call), but only when 10 more messages fit
 * the consumer's in-flight limit ({@code 10 x pollers + workers}); worker threads run the handler,
 * each message in its own transaction together with its {@code jobs.handled_messages} record.
 * Handled messages are deleted with DeleteMessageBatch (a full batch of 10 at once, a partial one
 * after {@code delete-linger}); messages held longer than half the visibility timeout get it
 * extended with ChangeMessageVisibilityBatch; a failed message's visibility is set to the retry
 * delay.
 */
public final class SqsConsumer {

  private static final Logger LOG = Logger.getLogger(SqsConsumer.class);
  private static final int BATCH = 10;

  private final String queue;
  private final String name;
  private final String url;
  private final MessageHandler handler;
  private final int pollers;
  private final Consumers.Deps deps;
  private final MessagingConfig config;
  private final Semaphore permits;
  private final Set<InFlight> inFlight = ConcurrentHashMap.newKeySet();
  private final ThreadPoolExecutor pool;
  private final List<Thread> pollerThreads = new ArrayList<>();
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final AtomicBoolean running = new AtomicBoolean();
  private final int visibilitySeconds;
  private final long halfVisibilityNanos;
  private final ReceiveMessageRequest receive;
  private final List<Message> pendingDeletes = new ArrayList<>(BATCH);
  private boolean deleteFlushScheduled;
  private boolean stopped;
  private ScheduledFuture<?> extender;
  private final Counter received;
  private final Counter handled;
  private final Counter duplicates;
  private final Counter failures;
  private final Counter receiveCalls;
  private final Counter deleteCalls;
  private final Counter visibilityCalls;

  SqsConsumer(
      String queue,
      String name,
      String url,
      MessageHandler handler,
      int pollers,
      int workers,
      Consumers.Deps deps) {
    this.queue = queue;
    this.name = name;
    this.url = url;
    this.handler = handler;
    this.pollers = pollers;
    this.deps = deps;
    this.config = deps.config();
    this.permits = new Semaphore(BATCH * pollers + workers);
    this.visibilitySeconds = Math.max(1, SqsQueues.seconds(config.visibilityTimeout()));
    this.halfVisibilityNanos = TimeUnit.SECONDS.toNanos(visibilitySeconds) / 2;
    this.receive =
        ReceiveMessageRequest.builder()
            .queueUrl(url)
            .maxNumberOfMessages(BATCH)
            .waitTimeSeconds((int) Math.min(20, config.waitTime().toSeconds()))
            .visibilityTimeout(visibilitySeconds)
            .messageAttributeNames("All")
            .messageSystemAttributeNames(
                MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                MessageSystemAttributeName.SENT_TIMESTAMP)
            .build();
    MessagingMetrics metrics = deps.metrics();
    this.received = metrics.counter(MessagingMetrics.RECEIVED, queue);
    this.handled = metrics.counter(MessagingMetrics.HANDLED, queue);
    this.duplicates = metrics.counter(MessagingMetrics.DUPLICATES, queue);
    this.failures = metrics.counter(MessagingMetrics.FAILED, queue);
    this.receiveCalls = metrics.sqsCalls(queue, "ReceiveMessage");
    this.deleteCalls = metrics.sqsCalls(queue, "DeleteMessageBatch");
    this.visibilityCalls = metrics.sqsCalls(queue, "ChangeMessageVisibilityBatch");
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            workers,
            workers,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "stevedore-consumer-" + queue + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** The logical queue. */
  public String queue() {
    return queue;
  }

  /** The consumer name under which handled message ids are recorded. */
  public String name() {
    return name;
  }

  /** The queue URL. */
  public String url() {
    return url;
  }

  /** Whether it still receives messages. */
  public boolean isRunning() {
    return running.get();
  }

  /** Messages received and not finished yet. */
  public int inFlight() {
    return inFlight.size();
  }

  void start() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    long period = Math.max(200, TimeUnit.NANOSECONDS.toMillis(halfVisibilityNanos) / 2);
    extender =
        deps.scheduler()
            .scheduleAtFixedRate(this::extendVisibility, period, period, TimeUnit.MILLISECONDS);
    for (int i = 1; i <= pollers; i++) {
      Thread poller = new Thread(this::poll, "stevedore-poller-" + queue + "-" + i);
      poller.setDaemon(true);
      pollerThreads.add(poller);
      poller.start();
    }
    LOG.infof(
        "consuming queue %s as %s (%d pollers, %d workers)",
        queue, name, pollers, pool.getCorePoolSize());
  }

  /**
   * Stops receiving, lets running and already received handlers finish (up to {@code
   * consumer.shutdown-timeout}) and deletes what they handled. A poll still waiting for messages
   * returns what it gets to the queue. Nothing is lost: an unfinished message reappears after its
   * visibility timeout.
   */
  public void stop() {
    beginStop();
    awaitStop();
  }

  void beginStop() {
    if (running.compareAndSet(true, false)) {
      stopping.countDown();
      pool.shutdown();
    }
  }

  synchronized void awaitStop() {
    if (stopped) {
      return;
    }
    stopped = true;
    Duration timeout = config.consumer().shutdownTimeout();
    try {
      if (!pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warnf(
            "queue %s: %d messages still in flight after %s; they will be redelivered",
            queue, inFlight.size(), timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (extender != null) {
      extender.cancel(false);
    }
    flushDeletes();
    LOG.infof("stopped consuming queue %s", queue);
  }

  private void poll() {
    int errors = 0;
    while (running.get()) {
      try {
        if (!permits.tryAcquire(BATCH, 250, TimeUnit.MILLISECONDS)) {
          continue;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      List<Message> messages;
      try {
        receiveCalls.increment();
        messages = deps.sqs().receiveMessage(receive).messages();
        errors = 0;
      } catch (RuntimeException e) {
        permits.release(BATCH);
        if (!running.get()) {
          return;
        }
        errors++;
        long backoff = Math.min(30_000, 500L << Math.min(errors, 6));
        if (errors == 1) {
          LOG.warnf(
              "receiving from queue %s failed, retrying with backoff: %s",
              queue, Failures.summary(e));
        }
        try {
          stopping.await(backoff, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
        continue;
      }
      permits.release(BATCH - messages.size());
      if (messages.isEmpty()) {
        continue;
      }
      received.increment(messages.size());
      List<Message> giveBack = new ArrayList<>();
      for (Message message : messages) {
        InFlight held = new InFlight(message);
        inFlight.add(held);
        try {
          if (!running.get()) {
            throw new RejectedExecutionException("stopping");
          }
          pool.execute(() -> process(held));
        } catch (RejectedExecutionException e) {
          inFlight.remove(held);
          permits.release();
          giveBack.add(message);
        }
      }
      changeVisibility(giveBack, 0);
    }
  }

  private void process(InFlight held) {
    try {
      IncomingMessage message = new IncomingMessage(queue, held.message, deps.mapper());
      Throwable failure;
      boolean fresh = false;
      try {
        fresh = handleInTransaction(message);
        failure = null;
      } catch (Throwable t) {
        failure = t;
      }
      if (failure == null) {
        (fresh ? handled : duplicates).increment();
        if (!fresh) {
          LOG.debugf("%s was already handled by %s; deleting it", message, name);
        }
        delete(held.message);
      } else {
        failed(message, held.message, failure);
      }
    } catch (RuntimeException e) {
      LOG.errorf(e, "queue %s: unexpected failure around a handler", queue);
    } finally {
      inFlight.remove(held);
      permits.release();
    }
  }

  /** Runs the handler in a new transaction with the handled-id record; false if a duplicate. */
  private boolean handleInTransaction(IncomingMessage message) throws Exception {
    var tm = deps.transactionManager();
    ManagedContext requestContext = Arc.container().requestContext();
    boolean activated = !requestContext.isActive();
    if (activated) {
      requestContext.activate();
    }
    try {
      tm.setTransactionTimeout(
          (int) Math.max(1, config.consumer().transactionTimeout().toSeconds()));
      tm.begin();
      boolean fresh;
      try {
        try (Connection connection = deps.dataSource().getConnection()) {
          fresh = ConsumerStore.markHandled(connection, name, message.id());
        }
        if (fresh) {
          handler.handle(message);
        }
      } catch (Throwable t) {
        rollbackQuietly();
        throw t;
      }
      tm.commit();
      return fresh;
    } finally {
      if (tm.getStatus() != Status.STATUS_NO_TRANSACTION) {
        rollbackQuietly();
      }
      tm.setTransactionTimeout(0);
      if (activated) {
        requestContext.terminate();
      }
    }
  }

  private void rollbackQuietly() {
    try {
      deps.transactionManager().rollback();
    } catch (Exception e) {
      LOG.debugf("rollback failed: %s", e.getMessage());
    }
  }

  private void failed(IncomingMessage message, Message raw, Throwable failure) {
    String reason = Failures.summary(failure);
    failures.increment();
    int max = config.maxReceiveCount();
    boolean last = message.receiveCount() >= max;
    LOG.warnf(
        "%s failed on receive %d of %d%s: %s",
        message,
        message.receiveCount(),
        max,
        last ? ", so it goes to the dead-letter queue" : "",
        reason);
    try (Connection connection = deps.dataSource().getConnection()) {
      ConsumerStore.recordFailure(connection, queue, name, message, reason);
    } catch (Exception e) {
      LOG.warnf("could not record the failure of %s: %s", message, Failures.summary(e));
    }
    changeVisibility(List.of(raw), retryDelaySeconds(message.receiveCount()));
  }

  private int retryDelaySeconds(int receiveCount) {
    long base = config.consumer().retryDelay().toMillis();
    long max = config.consumer().maxRetryDelay().toMillis();
    long delay = base << Math.min(Math.max(receiveCount - 1, 0), 20);
    if (delay < 0 || delay > max) {
      delay = max;
    }
    return SqsQueues.seconds(Duration.ofMillis(delay));
  }

  private void delete(Message message) {
    List<Message> full = null;
    synchronized (pendingDeletes) {
      pendingDeletes.add(message);
      if (pendingDeletes.size() >= BATCH) {
        full = new ArrayList<>(pendingDeletes);
        pendingDeletes.clear();
      } else if (!deleteFlushScheduled) {
        deleteFlushScheduled = true;
        deps.scheduler()
            .schedule(
                this::flushDeletes,
                config.consumer().deleteLinger().toMillis(),
                TimeUnit.MILLISECONDS);
      }
    }
    if (full != null) {
      deleteBatch(full);
    }
  }

  private void flushDeletes() {
    List<Message> batch;
    synchronized (pendingDeletes) {
      deleteFlushScheduled = false;
      batch = new ArrayList<>(pendingDeletes);
      pendingDeletes.clear();
    }
    for (int i = 0; i < batch.size(); i += BATCH) {
      deleteBatch(batch.subList(i, Math.min(batch.size(), i + BATCH)));
    }
  }

  private void deleteBatch(List<Message> batch) {
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      entries.add(
          DeleteMessageBatchRequestEntry.builder()
              .id(Integer.toString(i))
              .receiptHandle(batch.get(i).receiptHandle())
              .build());
    }
    try {
      deleteCalls.increment();
      DeleteMessageBatchResponse response =
          deps.sqs().deleteMessageBatch(b -> b.queueUrl(url).entries(entries));
      response
          .failed()
          .forEach(
              f ->
                  LOG.debugf(
                      "queue %s: deleting a handled message failed (%s: %s); its redelivery"
                          + " will be skipped as a duplicate",
                      queue, f.code(), f.message()));
    } catch (SdkException e) {
      LOG.warnf(
          "queue %s: deleting %d handled messages failed; their redeliveries will be skipped as"
              + " duplicates: %s",
          queue, batch.size(), Failures.summary(e));
    }
  }

  /** Extends the visibility of messages held for more than half the visibility timeout. */
  private void extendVisibility() {
    try {
      long now = System.nanoTime();
      List<InFlight> due = new ArrayList<>();
      for (InFlight held : inFlight) {
        if (now - held.visibleSince >= halfVisibilityNanos) {
          due.add(held);
        }
      }
      for (int i = 0; i < due.size(); i += BATCH) {
        List<InFlight> chunk = due.subList(i, Math.min(due.size(), i + BATCH));
        List<Message> messages = new ArrayList<>(chunk.size());
        chunk.forEach(held -> messages.add(held.message));
        if (changeVisibility(messages, visibilitySeconds)) {
          chunk.forEach(held -> held.visibleSince = now);
        }
      }
    } catch (RuntimeException e) {
      LOG.warnf("queue %s: extending visibility failed: %s", queue, Failures.summary(e));
    }
  }

  private boolean changeVisibility(List<Message> messages, int seconds) {
    if (messages.isEmpty()) {
      return true;
    }
    boolean ok = true;
    for (int i = 0; i < messages.size(); i += BATCH) {
      List<Message> chunk = messages.subList(i, Math.min(messages.size(), i + BATCH));
      List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(chunk.size());
      for (int j = 0; j < chunk.size(); j++) {
        entries.add(
            ChangeMessageVisibilityBatchRequestEntry.builder()
                .id(Integer.toString(j))
                .receiptHandle(chunk.get(j).receiptHandle())
                .visibilityTimeout(seconds)
                .build());
      }
      try {
        visibilityCalls.increment();
        ChangeMessageVisibilityBatchResponse response =
            deps.sqs().changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(entries));
        ok &= response.failed().isEmpty();
      } catch (SdkException e) {
        ok = false;
        LOG.debugf("queue %s: changing visibility failed: %s", queue, Failures.summary(e));
      }
    }
    return ok;
  }

  /** A received message not finished yet. */
  private static final class InFlight {
    final Message message;
    volatile long visibleSince = System.nanoTime();

    InFlight(Message message) {
      this.message = message;
    }
  }
}
