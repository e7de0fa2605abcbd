package io.stevedore.worker.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Sends the orchestrator a {@code HEARTBEAT} task event every {@code STEVEDORE_HEARTBEAT_INTERVAL}
 * seconds while the stream runs, when the task was started with {@code
 * STEVEDORE_TASK_EVENTS_QUEUE_URL} and {@code STEVEDORE_STAGE_RUN_ID}. The body carries only the
 * task-event fields the orchestrator knows.
 */
final class Heartbeats implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Heartbeats.class);

  private final ScheduledExecutorService timer;

  private Heartbeats(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /**
   * Starts heartbeats when the environment asks for them; returns null otherwise. Each carries the
   * latest batch's lag in {@code metrics} ({@code lagMillis}, and {@code backlog} for SQS).
   */
  static Heartbeats startIfConfigured(
      Map<String, String> env, SqsClient sqs, ObjectMapper mapper, Clock clock, StreamLag lag) {
    String queueUrl = env.get("STEVEDORE_TASK_EVENTS_QUEUE_URL");
    String stageRunId = env.get("STEVEDORE_STAGE_RUN_ID");
    if (queueUrl == null || queueUrl.isBlank() || stageRunId == null || stageRunId.isBlank()) {
      return null;
    }
    long seconds = parseLong(env.get("STEVEDORE_HEARTBEAT_INTERVAL"), 30);
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "stream-heartbeats");
              t.setDaemon(true);
              return t;
            });
    Runnable beat =
        () -> {
          try {
            ObjectNode body = mapper.createObjectNode();
            body.put("kind", "HEARTBEAT");
            body.put("stageRunId", stageRunId);
            putIfSet(body, "runId", env.get("STEVEDORE_RUN_ID"));
            putIfSet(body, "stageId", env.get("STEVEDORE_STAGE_ID"));
            body.put("attempt", (int) parseLong(env.get("STEVEDORE_ATTEMPT"), 1));
            // The orchestrator shows these as gauges (stevedore_stage_lag_millis, _backlog).
            lag.latest()
                .ifPresent(
                    l -> {
                      ObjectNode metrics = body.putObject("metrics");
                      metrics.put("lagMillis", (double) l.lagMillis());
                      if (l.backlog() != null) {
                        metrics.put("backlog", (double) l.backlog());
                      }
                    });
            body.put("at", clock.instant().toString());
            sqs.sendMessage(
                b ->
                    b.queueUrl(queueUrl)
                        .messageBody(body.toString())
                        .messageAttributes(
                            Map.of(
                                "stevedore-message-id", text(UUID.randomUUID().toString()),
                                "stevedore-type", text("task-event"),
                                "stevedore-version", text("1"))));
          } catch (RuntimeException e) {
            LOG.warnf("cannot send a heartbeat: %s", e.getMessage());
          }
        };
    timer.scheduleAtFixedRate(beat, 0, Math.max(1, seconds), TimeUnit.SECONDS);
    return new Heartbeats(timer);
  }

  private static void putIfSet(ObjectNode node, String field, String value) {
    if (value != null && !value.isBlank()) {
      node.put(field, value);
    }
  }

  private static long parseLong(String value, long otherwise) {
    try {
      return value == null || value.isBlank() ? otherwise : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(Duration.ofSeconds(2).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
