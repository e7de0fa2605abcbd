package io.stevedore.common.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A stage attempt's task changed state, sent by the local launcher or the worker. (ECS task state
 * changes arrive on the same queue as EventBridge sends them, type {@code aws.ecs}, and are read by
 * the orchestrator's ECS launcher.)
 *
 * @param kind state change, heartbeat or stage result
 * @param stageRunId the stage attempt
 * @param runId the run
 * @param stageId the stage's id in the pipeline
 * @param attempt the attempt number, from 1
 * @param launcher {@code local} or {@code ecs}
 * @param taskRef the task: a local pid with start time, or an ECS task ARN
 * @param state the task state (PROVISIONING, RUNNING, STOPPED...)
 * @param exitCode the container's exit code when stopped
 * @param reason the stop reason, as the launcher reported it
 * @param outputs for results: the attempt's outputs, name to URI ({@code data} to {@code s3://...})
 * @param result for results, optional: rows and bytes in and out, duration and output schema. An
 *     optional field added to version 1: consumers refuse unknown fields, so an orchestrator built
 *     before it dead-letters a RESULT that carries one (deploy the orchestrator first)
 * @param metrics for heartbeats, optional: what a long-running task measures of itself, by name
 *     ({@code lagMillis}: how far a stream worker is behind its stream's head; {@code backlog}:
 *     records waiting in its queue). Finite numbers; an optional field added to version 1 like
 *     {@code result}
 * @param at when the event happened
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskEvent(
    Kind kind,
    UUID stageRunId,
    UUID runId,
    String stageId,
    int attempt,
    String launcher,
    String taskRef,
    String state,
    Integer exitCode,
    String reason,
    Map<String, String> outputs,
    StageResult result,
    Map<String, Double> metrics,
    Instant at)
    implements MessageContract {

  public static final String TYPE = "task-event";
  public static final int VERSION = 1;

  /** An event without a result (heartbeats, state changes, results that report outputs only). */
  public TaskEvent(
      Kind kind,
      UUID stageRunId,
      UUID runId,
      String stageId,
      int attempt,
      String launcher,
      String taskRef,
      String state,
      Integer exitCode,
      String reason,
      Map<String, String> outputs,
      Instant at) {
    this(
        kind,
        stageRunId,
        runId,
        stageId,
        attempt,
        launcher,
        taskRef,
        state,
        exitCode,
        reason,
        outputs,
        (StageResult) null,
        at);
  }

  /** An event with a result and no metrics. */
  public TaskEvent(
      Kind kind,
      UUID stageRunId,
      UUID runId,
      String stageId,
      int attempt,
      String launcher,
      String taskRef,
      String state,
      Integer exitCode,
      String reason,
      Map<String, String> outputs,
      StageResult result,
      Instant at) {
    this(
        kind,
        stageRunId,
        runId,
        stageId,
        attempt,
        launcher,
        taskRef,
        state,
        exitCode,
        reason,
        outputs,
        result,
        null,
        at);
  }

  /** What the event says. */
  public enum Kind {
    STATE_CHANGE,
    HEARTBEAT,
    RESULT
  }

  @Override
  public String contractType() {
    return TYPE;
  }

  @Override
  public int contractVersion() {
    return VERSION;
  }
}
