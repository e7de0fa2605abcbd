package io.stevedore.scheduler.api;

import io.quarkus.security.Authenticated;
import io.stevedore.common.auth.Caller;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.scheduler.config.SchedulerConfig;
import io.stevedore.scheduler.domain.RunService;
import io.stevedore.scheduler.store.RunStore;
import io.stevedore.scheduler.store.RunStore.RunRow;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Runs of the caller's team: list, read, cancel, re-run. */
@Path("/api/v1/runs")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runs")
public class RunResource {

  static final Set<String> STATUSES =
      Set.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT");
  static final Set<String> TRIGGERS = Set.of("HTTP", "SQS", "SCHEDULE", "BACKFILL", "RERUN");

  private final RunService runs;
  private final RunStore store;
  private final Caller caller;
  private final SchedulerConfig config;
  private final RunMapper mapper;

  RunResource(
      RunService runs, RunStore store, Caller caller, SchedulerConfig config, RunMapper mapper) {
    this.runs = runs;
    this.store = store;
    this.caller = caller;
    this.config = config;
    this.mapper = mapper;
  }

  @GET
  public Dtos.Page<Dtos.RunDto> list(
      @QueryParam("pipeline") String pipeline,
      @QueryParam("status") String status,
      @QueryParam("trigger") String trigger,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("limit") String limit,
      @QueryParam("cursor") String cursor) {
    int size = Cursors.limit(limit, config.maxPageSize());
    String wantedStatus = oneOf("status", status, STATUSES);
    String wantedTrigger = oneOf("trigger", trigger, TRIGGERS);
    Instant createdFrom = instant("from", from);
    Instant createdTo = instant("to", to);
    Instant cursorAt = null;
    UUID cursorId = null;
    String decoded = Cursors.decode(cursor);
    if (decoded != null) {
      String[] parts = decoded.split("\\|", 2);
      try {
        cursorAt = Instant.parse(parts[0]);
        cursorId = UUID.fromString(parts[1]);
      } catch (RuntimeException e) {
        throw Cursors.invalidCursor(cursor);
      }
    }
    List<RunRow> rows =
        store.list(
            caller.teamId(),
            new RunStore.RunFilter(pipeline, wantedStatus, wantedTrigger, createdFrom, createdTo),
            cursorAt,
            cursorId,
            size + 1);
    boolean more = rows.size() > size;
    List<RunRow> page = more ? rows.subList(0, size) : rows;
    RunRow last = page.isEmpty() ? null : page.get(page.size() - 1);
    return new Dtos.Page<>(
        page.stream().map(r -> mapper.toDto(r, null)).toList(),
        more ? Cursors.encode(last.createdAt() + "|" + last.id()) : null);
  }

  @GET
  @Path("/{id}")
  public Dtos.RunDto get(@PathParam("id") UUID id) {
    RunRow run =
        store
            .find(caller.teamId(), id)
            .orElseThrow(() -> ApiException.notFound("run '" + id + "' not found"));
    return mapper.toDto(run, store.stages(id).stream().map(mapper::toDto).toList());
  }

  /** Asks the orchestrator to cancel the run; its running stages are stopped. */
  @POST
  @Path("/{id}/cancel")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response cancel(@PathParam("id") UUID id, Dtos.RunAction body) {
    RunRow run = runs.cancel(caller.teamId(), id, body == null ? null : body.reason());
    return Response.accepted(mapper.toDto(run, null)).build();
  }

  /** Asks the orchestrator to run a finished run again from its failed (or the named) stages. */
  @POST
  @Path("/{id}/rerun")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response rerun(@PathParam("id") UUID id, Dtos.RunAction body) {
    RunRow run =
        runs.rerun(
            caller.teamId(),
            id,
            body == null ? null : body.stages(),
            body == null ? null : body.reason());
    return Response.accepted(mapper.toDto(run, null)).build();
  }

  private static String oneOf(String field, String value, Set<String> allowed) {
    if (value == null) {
      return null;
    }
    String upper = value.toUpperCase();
    if (!allowed.contains(upper)) {
      throw ApiException.badRequest(
          field + " '" + value + "' is not one of " + allowed,
          List.of(new Problem.FieldError(field, "must be one of " + allowed, value)));
    }
    return upper;
  }

  private static Instant instant(String field, String value) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          field + " '" + value + "' is not an ISO-8601 instant such as 2026-11-26T00:00:00Z",
          List.of(new Problem.FieldError(field, "must be an ISO-8601 instant", value)));
    }
  }
}
