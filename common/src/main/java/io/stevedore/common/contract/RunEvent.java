package io.stevedore.common.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.UUID;

/**
 * A run or stage attempt changed state; fanned out to each subscriber's queue (cost, alerts). Stage
 * fields are null for a run-level event.
 *
 * @param runId the run
 * @param teamId the team
 * @param pipeline the pipeline's name
 * @param pipelineVersion the version run
 * @param stageId the stage, or null for the run
 * @param attempt the stage attempt, or null
 * @param status the new status
 * @param previousStatus the status before
 * @param failureClass why it failed, for failed attempts
 * @param reason a readable reason
 * @param cpu Fargate CPU units of the stage
 * @param memory memory in MiB of the stage
 * @param launcher local or ecs
 * @param capacityProvider FARGATE, FARGATE_SPOT or local
 * @param startedAt when the run or attempt started
 * @param endedAt when it ended
 * @param at when the change happened
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunEvent(
    UUID runId,
    UUID teamId,
    String pipeline,
    int pipelineVersion,
    String stageId,
    Integer attempt,
    String status,
    String previousStatus,
    String failureClass,
    String reason,
    Integer cpu,
    Integer memory,
    String launcher,
    String capacityProvider,
    Instant startedAt,
    Instant endedAt,
    Instant at)
    implements MessageContract {

  public static final String TYPE = "run-event";
  public static final int VERSION = 1;

  @Override
  public String contractType() {
    return TYPE;
  }

  @Override
  public int contractVersion() {
    return VERSION;
  }
}
