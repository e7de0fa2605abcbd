package io.stevedore.common.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Something a person must look at, from any service, on the {@link Queues#ALERTS} queue. The
 * orchestrator delivers each alert to the configured webhooks (at least once; {@code id} lets a
 * receiver drop a repeat).
 *
 * @param id unique per alert, stable across redeliveries
 * @param source the service that raised it: {@code orchestrator}, {@code validation}, {@code
 *     security-gate}
 * @param kind what happened, such as {@code STAGE_FAILED}, {@code VALIDATION_FAILED}, {@code
 *     IMAGE_NOW_FAILS}
 * @param severity {@code critical} or {@code warning}
 * @param teamId the team it concerns, or null
 * @param team the team's name, or null
 * @param runId the run, or null
 * @param stageId the stage, or null
 * @param title a one-line summary
 * @param detail what happened and why, in a few lines (no secrets)
 * @param attributes more facts: failure class, attempt, dataset, digest, score...
 * @param logLines the last lines of the failed task's log (at most 50), or empty
 * @param at when it happened
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Alert(
    UUID id,
    String source,
    String kind,
    String severity,
    UUID teamId,
    String team,
    UUID runId,
    String stageId,
    String title,
    String detail,
    Map<String, String> attributes,
    List<String> logLines,
    Instant at)
    implements MessageContract {

  public static final String TYPE = "alert";
  public static final int VERSION = 1;

  public Alert {
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    logLines = logLines == null ? List.of() : List.copyOf(logLines);
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
