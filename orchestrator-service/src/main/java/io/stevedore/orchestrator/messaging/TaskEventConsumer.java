package io.stevedore.orchestrator.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.contract.StageResult;
import io.stevedore.common.contract.TaskEvent;
import io.stevedore.common.messaging.IncomingMessage;
import io.stevedore.common.messaging.QueueConsumer;
import io.stevedore.orchestrator.domain.StopInfo;
import io.stevedore.orchestrator.launcher.Launcher;
import io.stevedore.orchestrator.service.RunEngine;
import io.stevedore.orchestrator.service.StageMetrics;
import io.stevedore.orchestrator.store.LaunchIntentStore;
import io.stevedore.orchestrator.store.RunStore;
import io.stevedore.orchestrator.store.StageOutputStore;
import io.stevedore.orchestrator.store.StageRunStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The task-events queue: Stevedore's own {@link TaskEvent}s from workers (heartbeats, state
 * changes, results with outputs and the attempt's {@link StageResult}) and, for anything else that
 * is JSON, the launcher's raw events (EventBridge "ECS Task State Change"). What nobody takes, or
 * cannot be read, fails with the reason: it is recorded in {@code jobs.message_failures} and ends
 * in the dead-letter queue.
 *
 * <p>A worker may send its events with the {@code stevedore-type: task-event} attribute, or without
 * attributes (a shell script with curl): a JSON object with {@code kind} and {@code stageRunId} is
 * read as a {@link TaskEvent}.
 */
@ApplicationScoped
public class TaskEventConsumer implements QueueConsumer {

  private static final Logger LOG = Logger.getLogger(TaskEventConsumer.class);

  private final LaunchIntentStore intents;
  private final StageRunStore stages;
  private final StageOutputStore outputs;
  private final RunEngine engine;
  private final Launcher launcher;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final RunStore runs;
  private final StageMetrics stageMetrics;

  TaskEventConsumer(
      LaunchIntentStore intents,
      StageRunStore stages,
      StageOutputStore outputs,
      RunEngine engine,
      Launcher launcher,
      ObjectMapper mapper,
      Clock clock,
      RunStore runs,
      StageMetrics stageMetrics) {
    this.runs = runs;
    this.stageMetrics = stageMetrics;
    this.intents = intents;
    this.stages = stages;
    this.outputs = outputs;
    this.engine = engine;
    this.launcher = launcher;
    this.mapper = mapper;
    this.clock = clock;
  }

  @Override
  public String queue() {
    return Queues.TASK_EVENTS;
  }

  @Override
  public void handle(IncomingMessage message) {
    if (TaskEvent.TYPE.equals(message.type())) {
      if (message.version() != TaskEvent.VERSION) {
        throw new IllegalArgumentException(
            "expected "
                + TaskEvent.TYPE
                + " v"
                + TaskEvent.VERSION
                + ", got v"
                + message.version());
      }
      apply(message.as(TaskEvent.class));
      return;
    }
    if (!message.type().isEmpty()) {
      throw new IllegalArgumentException(
          "the task-events queue takes "
              + TaskEvent.TYPE
              + " messages, got '"
              + message.type()
              + "'");
    }
    JsonNode json;
    try {
      json = message.json();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the body is not JSON: " + e.getMessage(), e);
    }
    if (!json.isObject()) {
      throw new IllegalArgumentException("the body is not a JSON object");
    }
    if (json.has("kind") && json.has("stageRunId") && !json.has("source")) {
      apply(message.as(TaskEvent.class));
      return;
    }
    if (!launcher.onTaskEvent(json)) {
      throw new IllegalArgumentException(
          "no one takes this event (source '"
              + json.path("source").asText("")
              + "', detail-type '"
              + json.path("detail-type").asText("")
              + "'): it is not a Stevedore task event and the "
              + launcher.name()
              + " launcher does not take it");
    }
  }

  private void apply(TaskEvent event) {
    if (event.kind() == null || event.stageRunId() == null) {
      throw new IllegalArgumentException("a task event needs kind and stageRunId");
    }
    Instant now = clock.instant();
    switch (event.kind()) {
      case HEARTBEAT -> {
        if (!intents.heartbeat(event.stageRunId(), now)) {
          // Late (the attempt ended) or for an attempt never launched: nothing to watch.
          LOG.debugf("heartbeat of stage attempt %s ignored: not running", event.stageRunId());
        } else if (event.metrics() != null && !event.metrics().isEmpty()) {
          stages
              .find(event.stageRunId())
              .flatMap(attempt -> runs.find(attempt.runId()).map(run -> Map.entry(run, attempt)))
              .ifPresent(
                  found ->
                      stageMetrics.record(
                          found.getKey().pipelineName(),
                          found.getValue().stageId(),
                          event.metrics()));
        }
      }
      case STATE_CHANGE -> {
        if (event.state() == null || event.state().isBlank()) {
          throw new IllegalArgumentException(
              "a STATE_CHANGE event of stage attempt " + event.stageRunId() + " needs a state");
        }
        String state = event.state().trim().toUpperCase(java.util.Locale.ROOT);
        if (!intents.taskStatus(event.stageRunId(), state, event.at() == null ? now : event.at())) {
          throw new IllegalArgumentException(
              "stage attempt " + event.stageRunId() + " was never launched");
        }
        if (state.equals("STOPPED") && event.exitCode() != null) {
          engine.complete(
              event.stageRunId(),
              new StopInfo(
                  "EssentialContainerExited",
                  event.reason() == null ? "Essential container in task exited" : event.reason(),
                  event.exitCode(),
                  null,
                  false));
        }
      }
      case RESULT -> {
        if (stages.find(event.stageRunId()).isEmpty()) {
          throw new IllegalArgumentException(
              "stage attempt " + event.stageRunId() + " does not exist");
        }
        StageResult result = event.result();
        if (result != null && !result.problems().isEmpty()) {
          throw new IllegalArgumentException(
              "the RESULT of stage attempt "
                  + event.stageRunId()
                  + " has an invalid result: "
                  + String.join("; ", result.problems()));
        }
        if (event.outputs() != null && !event.outputs().isEmpty()) {
          outputs.record(event.stageRunId(), event.outputs(), now);
        }
        if (result != null) {
          stages.recordResult(event.stageRunId(), json(result));
        }
      }
    }
  }

  private String json(StageResult result) {
    try {
      return mapper.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stage result could not be written as JSON", e);
    }
  }
}
