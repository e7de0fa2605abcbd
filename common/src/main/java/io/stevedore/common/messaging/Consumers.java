package io.stevedore.common.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.stevedore.common.config.StevedoreConfig;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.TransactionManager;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Starts and stops consumers. Two ways to consume a queue:
 *
 * <ul>
 *   <li>a CDI bean implementing {@link QueueConsumer}: started at start-up (after the schema
 *       migration and the queue declarations), stopped at shutdown;
 *   <li>{@link #start(String, MessageHandler)} from code, for consumers that come and go (tests,
 *       tools); the returned {@link SqsConsumer} stops with {@link SqsConsumer#stop()} or at
 *       shutdown.
 * </ul>
 *
 * <p>Handled message ids are recorded per consumer name {@code <stevedore.service-name>/<queue>},
 * so each service handles a message once even with several replicas.
 */
@ApplicationScoped
public class Consumers {

  /** Shutdown observer priority: before the relay, so messages sent by handlers still go out. */
  static final int SHUTDOWN_PRIORITY = 1000;

  private final Deps deps;
  private final SqsQueues queues;
  private final StevedoreConfig stevedore;
  private final Instance<QueueConsumer> beans;
  private final List<SqsConsumer> started = new CopyOnWriteArrayList<>();

  Consumers(
      SqsClient sqs,
      DataSource dataSource,
      TransactionManager transactionManager,
      ObjectMapper mapper,
      MessagingConfig config,
      MessagingMetrics metrics,
      SqsQueues queues,
      StevedoreConfig stevedore,
      @Any Instance<QueueConsumer> beans) {
    AtomicInteger n = new AtomicInteger();
    ScheduledExecutorService scheduler =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "stevedore-consumer-timer-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.deps = new Deps(sqs, dataSource, transactionManager, mapper, config, metrics, scheduler);
    this.queues = queues;
    this.stevedore = stevedore;
    this.beans = beans;
  }

  void onStart(@Observes @Priority(SqsQueues.STARTUP_PRIORITY + 10) StartupEvent event) {
    for (QueueConsumer bean : beans) {
      start(bean.queue(), bean, bean.pollers(), bean.workers());
    }
  }

  void onStop(@Observes @Priority(SHUTDOWN_PRIORITY) ShutdownEvent event) {
    started.forEach(SqsConsumer::beginStop);
    started.forEach(SqsConsumer::awaitStop);
    started.clear();
  }

  @PreDestroy
  void close() {
    deps.scheduler().shutdownNow();
  }

  /**
   * Starts consuming {@code queue} (a logical name) with the configured thread counts. The queue is
   * declared first (created when {@code create-queues} is true, else looked up).
   *
   * @throws IllegalStateException if the queue does not exist and may not be created
   */
  public SqsConsumer start(String queue, MessageHandler handler) {
    return start(queue, handler, 0, 0);
  }

  /**
   * Starts consuming {@code queue} with {@code pollers} poller and {@code workers} handler threads
   * (0 takes the configured default).
   */
  public SqsConsumer start(String queue, MessageHandler handler, int pollers, int workers) {
    MessagingConfig config = deps.config();
    SqsConsumer consumer =
        new SqsConsumer(
            queue,
            consumerName(queue),
            queues.url(queue),
            handler,
            pollers > 0 ? pollers : Math.max(1, config.consumer().pollers()),
            workers > 0 ? workers : Math.max(1, config.consumer().workers()),
            deps);
    started.add(consumer);
    consumer.start();
    return consumer;
  }

  /** The consumers started so far and not stopped at shutdown. */
  public List<SqsConsumer> consumers() {
    return List.copyOf(started);
  }

  /** The name under which this service records the message ids it handled from {@code queue}. */
  public String consumerName(String queue) {
    return stevedore.serviceName() + "/" + queue;
  }

  /** What every consumer of this service shares. */
  record Deps(
      SqsClient sqs,
      DataSource dataSource,
      TransactionManager transactionManager,
      ObjectMapper mapper,
      MessagingConfig config,
      MessagingMetrics metrics,
      ScheduledExecutorService scheduler) {}
}
