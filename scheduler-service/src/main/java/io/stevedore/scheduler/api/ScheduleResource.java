package io.stevedore.scheduler.api;

import io.quarkus.security.Authenticated;
import io.stevedore.common.auth.Caller;
import io.stevedore.scheduler.domain.ScheduleControl;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A pipeline's schedule: state, preview of the next fire times, pause, resume. */
@Path("/api/v1/pipelines/{name}/schedule")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "schedules")
public class ScheduleResource {

  static final int MAX_PREVIEW = 100;

  private final ScheduleControl schedules;
  private final Caller caller;

  ScheduleResource(ScheduleControl schedules, Caller caller) {
    this.schedules = schedules;
    this.caller = caller;
  }

  /** The schedule and its next {@code count} fire times. */
  @GET
  public Dtos.ScheduleDto get(@PathParam("name") String name, @QueryParam("count") String count) {
    int n = count == null ? 10 : Cursors.limit(count, MAX_PREVIEW);
    return toDto(schedules.view(caller.teamId(), name, n));
  }

  @POST
  @Path("/pause")
  public Dtos.ScheduleDto pause(@PathParam("name") String name) {
    return toDto(schedules.setPaused(caller.teamId(), name, true));
  }

  @POST
  @Path("/resume")
  public Dtos.ScheduleDto resume(@PathParam("name") String name) {
    return toDto(schedules.setPaused(caller.teamId(), name, false));
  }

  static Dtos.ScheduleDto toDto(ScheduleControl.View v) {
    var row = v.schedule();
    return new Dtos.ScheduleDto(
        v.pipeline(),
        row.cron(),
        row.timezone(),
        row.catchup(),
        row.maxCatchup(),
        row.paused(),
        row.nextFireAt(),
        row.lastFiredAt(),
        v.preview());
  }
}
