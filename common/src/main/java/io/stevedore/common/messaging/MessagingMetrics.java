package io.stevedore.common.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Messaging meters, all tagged with the logical {@code queue}:
 *
 * <ul>
 *   <li>{@value #SENT}: messages the relay published;
 *   <li>{@value #RECEIVED}: messages a consumer received (every delivery);
 *   <li>{@value #HANDLED}: messages whose handler committed;
 *   <li>{@value #DUPLICATES}: deliveries skipped because the message id was already handled;
 *   <li>{@value #FAILED}: handler failures (the message will be redelivered or dead-lettered);
 *   <li>{@value #PUBLISH_FAILED}: outbox rows that failed to publish (retried with backoff);
 *   <li>{@value #RELAY_LAG}: time from an outbox row's insert to its publication;
 *   <li>{@value #SQS_CALLS}: SQS API calls made, also tagged with {@code operation}.
 * </ul>
 */
@ApplicationScoped
public class MessagingMetrics {

  public static final String SENT = "stevedore.messaging.sent";
  public static final String RECEIVED = "stevedore.messaging.received";
  public static final String HANDLED = "stevedore.messaging.handled";
  public static final String DUPLICATES = "stevedore.messaging.duplicates";
  public static final String FAILED = "stevedore.messaging.failed";
  public static final String PUBLISH_FAILED = "stevedore.messaging.publish.failed";
  public static final String RELAY_LAG = "stevedore.messaging.relay.lag";
  public static final String SQS_CALLS = "stevedore.messaging.sqs.calls";

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  MessagingMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void count(String name, String queue, int n) {
    if (n > 0) {
      counter(name, queue).increment(n);
    }
  }

  /** The counter {@code name} of {@code queue}, for callers that keep it. */
  Counter counter(String name, String queue) {
    return counters.computeIfAbsent(
        name + '|' + queue, k -> registry.counter(name, "queue", queue));
  }

  void sqsCall(String queue, String operation) {
    sqsCalls(queue, operation).increment();
  }

  /** The SQS call counter of one queue and operation, for callers that keep it. */
  Counter sqsCalls(String queue, String operation) {
    return counters.computeIfAbsent(
        SQS_CALLS + '|' + queue + '|' + operation,
        k -> registry.counter(SQS_CALLS, "queue", queue, "operation", operation));
  }

  void relayLag(String queue, long millis) {
    timers
        .computeIfAbsent(
            queue,
            q ->
                Timer.builder(RELAY_LAG)
                    .description("time from an outbox insert to its publication")
                    .tag("queue", q)
                    .register(registry))
        .record(millis, TimeUnit.MILLISECONDS);
  }

  /** Total of a counter over all its tags (for tests and benchmarks). */
  public double total(String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  /** Total of a counter for one queue (for tests and benchmarks). */
  public double total(String name, String queue) {
    return registry.find(name).tag("queue", queue).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }
}
