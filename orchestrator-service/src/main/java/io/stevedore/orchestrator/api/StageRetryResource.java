package io.stevedore.orchestrator.api;

import io.quarkus.security.Authenticated;
import io.stevedore.common.auth.Caller;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.orchestrator.service.RunEngine;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;

/** Manual intervention: retry one stage of a run, for the run's team. */
@Path("/api/v1/runs/{runId}/stages/{stageId}/retry")
@Authenticated
public class StageRetryResource {

  static final int MAX_REASON = 500;

  private final RunEngine engine;
  private final Caller caller;

  StageRetryResource(RunEngine engine, Caller caller) {
    this.engine = engine;
    this.caller = caller;
  }

  /**
   * Runs the stage again: in a run that ended, with everything downstream of it (the outputs of the
   * other succeeded stages are reused); in a running run, a failed, timed out or cancelled stage
   * gets a new attempt. 202 with the new attempt; 404 for an unknown (or another team's) run or
   * stage; 409 when the stage cannot be retried now.
   *
   * @param reason why, shown in the stage's and the run's history (at most 500 characters)
   */
  @POST
  @Produces(MediaType.APPLICATION_JSON)
  public Response retry(
      @PathParam("runId") String runId,
      @PathParam("stageId") String stageId,
      @QueryParam("reason") String reason) {
    UUID run;
    try {
      run = UUID.fromString(runId);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("run '" + runId + "' not found");
    }
    if (reason != null && reason.length() > MAX_REASON) {
      throw ApiException.badRequest(
          "reason must be at most " + MAX_REASON + " characters, got " + reason.length(),
          List.of(
              new Problem.FieldError(
                  "reason",
                  "must be at most " + MAX_REASON + " characters",
                  reason.substring(0, 40) + "…")));
    }
    RunEngine.StageRetry retry = engine.retryStage(caller.teamId(), run, stageId, reason);
    return Response.accepted(retry).build();
  }
}
