package io.stevedore.scheduler.api;

import io.quarkus.security.Authenticated;
import io.stevedore.common.auth.Caller;
import io.stevedore.common.http.ApiException;
import io.stevedore.scheduler.domain.BackfillService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Backfills of a pipeline. */
@Path("/api/v1/pipelines/{name}/backfills")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "schedules")
public class BackfillResource {

  private final BackfillService backfills;
  private final Caller caller;

  BackfillResource(BackfillService backfills, Caller caller) {
    this.backfills = backfills;
    this.caller = caller;
  }

  /** Starts a backfill: one run per logical date in [from, to], at most maxActive at a time. */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response backfill(@PathParam("name") String name, Dtos.StartBackfill body) {
    if (body == null) {
      throw ApiException.badRequest("a body with 'from', 'to' and 'maxActive' is required", null);
    }
    var view =
        backfills.start(
            caller.teamId(),
            name,
            body.from(),
            body.to(),
            body.maxActive() == null ? 1 : body.maxActive(),
            body.parameters());
    return Response.created(
            URI.create("/api/v1/pipelines/" + name + "/backfills/" + view.backfill().id()))
        .entity(toDto(name, view))
        .build();
  }

  @GET
  @Path("/{id}")
  public Dtos.BackfillDto getBackfill(@PathParam("name") String name, @PathParam("id") UUID id) {
    return toDto(name, backfills.get(caller.teamId(), id));
  }

  static Dtos.BackfillDto toDto(String pipeline, BackfillService.View v) {
    var b = v.backfill();
    var p = v.progress();
    return new Dtos.BackfillDto(
        b.id(),
        pipeline,
        b.pipelineVersion(),
        b.from(),
        b.to(),
        b.maxActive(),
        b.status(),
        p.total(),
        p.started(),
        p.active(),
        p.succeeded(),
        p.failed());
  }
}
