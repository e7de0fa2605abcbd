package io.stevedore.worker.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.worker.stage.StageContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Sends the attempt's task events to {@code STEVEDORE_TASK_EVENTS_QUEUE_URL}: a HEARTBEAT at the
 * start and every {@code STEVEDORE_HEARTBEAT_INTERVAL} seconds from a daemon thread, and one RESULT
 * at the end. Each message carries the attributes {@code stevedore-message-id} (a UUID; the
 * RESULT's is derived from the stage run id, so a resent result is deduplicated), {@code
 * stevedore-type: task-event} and {@code stevedore-version: 1}. Without a queue URL or a stage run
 * id (a manual run) nothing is sent.
 */
@ApplicationScoped
public class TaskEvents {

  private static final Logger LOG = Logger.getLogger(TaskEvents.class);

  static final String TYPE = "task-event";
  static final String VERSION = "1";

  private final SqsClient sqs;
  private final ObjectMapper mapper;
  private final Clock clock;

  TaskEvents(SqsClient sqs, ObjectMapper mapper) {
    this.sqs = sqs;
    this.mapper = mapper;
    this.clock = Clock.systemUTC();
  }

  /** Whether this attempt reports; logs a warning once when it does not. */
  public boolean reports(StageContext context) {
    if (context.taskEventsQueueUrl() == null) {
      LOG.warn(
          "STEVEDORE_TASK_EVENTS_QUEUE_URL is not set: no heartbeats and no RESULT event (a manual"
              + " run); the result is printed on stdout only");
      return false;
    }
    if (context.stageRunId() == null) {
      LOG.warn(
          "STEVEDORE_STAGE_RUN_ID is not set: no heartbeats and no RESULT event; the result is"
              + " printed on stdout only");
      return false;
    }
    return true;
  }

  /**
   * Starts heartbeats (the first one now); stop them by closing the result. A heartbeat that cannot
   * be sent is logged and the next one is tried.
   */
  public AutoCloseable startHeartbeats(StageContext context) {
    if (!reports(context)) {
      return () -> {};
    }
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "stevedore-heartbeat");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(
        () -> {
          try {
            send(context, event(context, "HEARTBEAT", null, null), UUID.randomUUID());
          } catch (RuntimeException e) {
            LOG.warnf("heartbeat not sent: %s", e.getMessage());
          }
        },
        0,
        context.heartbeatIntervalSeconds(),
        TimeUnit.SECONDS);
    return timer::shutdownNow;
  }

  /** Sends the RESULT event ({@link #resultEvent}), if this attempt reports. */
  public void sendResult(StageContext context, TaskEventBody resultEvent) {
    if (context.taskEventsQueueUrl() == null || context.stageRunId() == null) {
      return;
    }
    UUID id =
        UUID.nameUUIDFromBytes(
            ("stevedore-result:" + context.stageRunId()).getBytes(StandardCharsets.UTF_8));
    send(context, resultEvent, id);
  }

  /** The RESULT event's body (also what the worker prints on stdout). */
  public TaskEventBody resultEvent(
      StageContext context, Map<String, String> outputs, StageResult result) {
    return event(context, "RESULT", outputs, result);
  }

  private TaskEventBody event(
      StageContext context, String kind, Map<String, String> outputs, StageResult result) {
    return new TaskEventBody(
        kind,
        context.stageRunId(),
        context.runId(),
        context.stageId(),
        context.attempt(),
        System.getenv("ECS_CONTAINER_METADATA_URI_V4") != null ? "ecs" : "local",
        outputs,
        clock.instant(),
        result);
  }

  private void send(StageContext context, TaskEventBody body, UUID messageId) {
    String json;
    try {
      json = mapper.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a task event: " + e.getMessage(), e);
    }
    try {
      sqs.sendMessage(
          b ->
              b.queueUrl(context.taskEventsQueueUrl())
                  .messageBody(json)
                  .messageAttributes(
                      Map.of(
                          "stevedore-message-id", text(messageId.toString()),
                          "stevedore-type", text(TYPE),
                          "stevedore-version", text(VERSION))));
    } catch (SdkException e) {
      throw new IllegalStateException(
          "cannot send a "
              + body.kind()
              + " event to "
              + context.taskEventsQueueUrl()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }
}
