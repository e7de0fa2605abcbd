package io.stevedore.scheduler.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.Authenticated;
import io.stevedore.common.auth.Caller;
import io.stevedore.scheduler.domain.RunService;
import io.stevedore.scheduler.domain.Submission;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Run submission over HTTP. */
@Path("/api/v1/pipelines/{name}/runs")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runs")
public class SubmitResource {

  private final RunService runs;
  private final RunMapper views;
  private final Caller caller;
  private final MeterRegistry metrics;

  SubmitResource(RunService runs, RunMapper views, Caller caller, MeterRegistry metrics) {
    this.runs = runs;
    this.views = views;
    this.caller = caller;
    this.metrics = metrics;
  }

  /**
   * Submits a run of the pipeline. With an {@code Idempotency-Key}, a retried submission returns
   * the same run (200); the same key with a different body is a 409.
   */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response submit(
      @PathParam("name") String pipeline,
      @HeaderParam("Idempotency-Key") String idempotencyKey,
      Dtos.SubmitRun body) {
    Dtos.SubmitRun request = body == null ? new Dtos.SubmitRun(null, null, null) : body;
    String outcome = "rejected";
    try {
      var submitted =
          runs.submit(
              caller.teamId(),
              new Submission(
                  pipeline, request.version(), request.parameters(), request.logicalDate()),
              RunService.Trigger.HTTP,
              idempotencyKey);
      outcome = submitted.created() ? "accepted" : "duplicate";
      Dtos.RunDto dto = views.toDto(submitted.run(), null);
      return submitted.created()
          ? Response.created(URI.create("/api/v1/runs/" + dto.id())).entity(dto).build()
          : Response.ok(dto).build();
    } finally {
      metrics
          .counter("stevedore.scheduler.submissions", "source", "http", "outcome", outcome)
          .increment();
    }
  }
}
