package io.stevedore.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.stevedore.common.auth.Caller;
import io.stevedore.common.http.ApiException;
import io.stevedore.orchestrator.store.GateDecisionStore;
import io.stevedore.orchestrator.store.RunStore;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What security-gate said before each launch of a run's images, for the run's team. */
@Path("/api/v1/runs/{runId}/gate-decisions")
@Authenticated
public class GateDecisionResource {

  /** One decision. */
  @RegisterForReflection
  public record DecisionDto(
      String stageId,
      UUID stageRunId,
      String image,
      String digest,
      String verdict,
      String mode,
      boolean allowed,
      String reason,
      JsonNode findings,
      Instant decidedAt) {}

  private final GateDecisionStore decisions;
  private final RunStore runs;
  private final Caller caller;
  private final ObjectMapper mapper;

  GateDecisionResource(
      GateDecisionStore decisions, RunStore runs, Caller caller, ObjectMapper mapper) {
    this.decisions = decisions;
    this.runs = runs;
    this.caller = caller;
    this.mapper = mapper;
  }

  /** The run's decisions, oldest first; 404 for an unknown run or another team's. */
  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public List<DecisionDto> list(@PathParam("runId") String runId) {
    UUID team = caller.teamId();
    UUID run;
    try {
      run = UUID.fromString(runId);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("run '" + runId + "' not found");
    }
    if (runs.find(team, run).isEmpty()) {
      throw ApiException.notFound("run '" + runId + "' not found");
    }
    return decisions.ofRun(team, run).stream()
        .map(
            d ->
                new DecisionDto(
                    d.stageId(),
                    d.stageRunId(),
                    d.image(),
                    d.digest(),
                    d.verdict(),
                    d.mode(),
                    d.allowed(),
                    d.reason(),
                    findings(d.findingsJson()),
                    d.decidedAt()))
        .toList();
  }

  private JsonNode findings(String json) {
    try {
      return mapper.readTree(json);
    } catch (IOException e) {
      return mapper.createArrayNode();
    }
  }
}
