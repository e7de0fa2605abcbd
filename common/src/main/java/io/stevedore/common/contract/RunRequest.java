package io.stevedore.common.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * From the scheduler to the orchestrator: start a run, cancel it, or resume it from its failed
 * stages.
 *
 * @param action what to do
 * @param runId the run
 * @param teamId the run's team
 * @param pipelineId the run's pipeline
 * @param pipelineVersion the pipeline version the run executes
 * @param stages for {@code RESUME}: the stages to run again (empty: every failed one)
 * @param requestedAt when the scheduler recorded the request
 * @param reason free text for cancel and resume, shown in the run's history
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRequest(
    Action action,
    UUID runId,
    UUID teamId,
    UUID pipelineId,
    int pipelineVersion,
    List<String> stages,
    Instant requestedAt,
    String reason)
    implements MessageContract {

  public static final String TYPE = "run-request";
  public static final int VERSION = 1;

  /** What the orchestrator is asked to do. */
  public enum Action {
    RUN,
    CANCEL,
    RESUME
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
