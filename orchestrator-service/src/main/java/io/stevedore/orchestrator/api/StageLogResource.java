package io.stevedore.orchestrator.api;

import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.List;
import java.util.UUID;

/** A stage attempt's log, for the run's team: its tail, or followed as server-sent events. */
@Path("/api/v1/runs/{runId}/stages/{stageId}/attempts/{attempt}/log")
@Authenticated
public class StageLogResource {

  /** Most lines one request returns. */
  static final int MAX_TAIL = 10_000;

  private final StageLogs logs;
  private final LogFollowers followers;
  private final Caller caller;

  StageLogResource(StageLogs logs, LogFollowers followers, Caller caller) {
    this.logs = logs;
    this.followers = followers;
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

  /**
   * Follows the attempt's log as server-sent events: first the last {@code tail} lines, then each
   * new line as it is written, one event per line (default event type, the line as data), until the
   * attempt has ended and its log is read to the end; then an {@code end} event whose data is the
   * attempt's final status, and the stream closes.
   *
   * @param tail how many earlier lines to send first, 0 to 10000; default 100
   */
  @GET
  @Path("follow")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Blocking
  public Multi<OutboundSseEvent> follow(
      @PathParam("runId") String runId,
      @PathParam("stageId") String stageId,
      @PathParam("attempt") int attempt,
      @QueryParam("tail") @DefaultValue("100") int tail,
      @Context Sse sse) {
    UUID run;
    try {
      run = UUID.fromString(runId);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("run '" + runId + "' not found");
    }
    if (tail < 0 || tail > MAX_TAIL) {
      throw ApiException.badRequest(
          "tail must be between 0 and " + MAX_TAIL + ", got " + tail,
          List.of(
              new Problem.FieldError(
                  "tail", "must be between 0 and " + MAX_TAIL, String.valueOf(tail))));
    }
    StageLogs.Located located = logs.locate(caller.teamId(), run, stageId, attempt);
    return followers.follow(located, tail, sse);
  }
}
