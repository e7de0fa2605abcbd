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
 * @param outputs for results: output locations and row counts
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
    Instant at)
    implements MessageContract {

  public static final String TYPE = "task-event";
  public static final int VERSION = 1;

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
