package io.stevedore.orchestrator.api;

import io.quarkus.security.Authenticated;
import io.stevedore.common.auth.Caller;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.orchestrator.service.StageLogs;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;

/** A stage attempt's log, for the run's team. */
@Path("/api/v1/runs/{runId}/stages/{stageId}/attempts/{attempt}/log")
@Authenticated
public class StageLogResource {

  /** Most lines one request returns. */
  static final int MAX_TAIL = 10_000;

  private final StageLogs logs;
  private final Caller caller;

  StageLogResource(StageLogs logs, Caller caller) {
    this.logs = logs;
    this.caller = caller;
  }

  /**
   * The last {@code tail} lines of the attempt's log (stdout and stderr), as plain text.
   *
   * @param tail how many lines, 1 to 10000; default 100
   */
  @GET
  @Produces(MediaType.TEXT_PLAIN)
  public String tail(
      @PathParam("runId") String runId,
      @PathParam("stageId") String stageId,
      @PathParam("attempt") int attempt,
      @QueryParam("tail") @DefaultValue("100") int tail) {
    UUID run;
    try {
      run = UUID.fromString(runId);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("run '" + runId + "' not found");
    }
    if (tail < 1 || tail > MAX_TAIL) {
      throw ApiException.badRequest(
          "tail must be between 1 and " + MAX_TAIL + ", got " + tail,
          List.of(
              new Problem.FieldError(
                  "tail", "must be between 1 and " + MAX_TAIL, String.valueOf(tail))));
    }
    return logs.tail(caller.teamId(), run, stageId, attempt, tail);
  }
}
