package io.stevedore.validation.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.Authenticated;
import io.stevedore.common.auth.Caller;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.validation.dataset.DatasetNotFoundException;
import io.stevedore.validation.domain.Correction;
import io.stevedore.validation.domain.ValidationService;
import io.stevedore.validation.engine.EngineException;
import io.stevedore.validation.engine.ValidationReport;
import io.stevedore.validation.store.ResultStore.ResultRow;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Ad-hoc validations of datasets in S3, and the history of results. */
@Path("/api/v1/validations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "validations")
public class ValidationResource {

  private final ValidationService validations;
  private final Caller caller;
  private final ObjectMapper mapper;

  ValidationResource(ValidationService validations, Caller caller, ObjectMapper mapper) {
    this.validations = validations;
    this.caller = caller;
    this.mapper = mapper;
  }

  /**
   * Runs a suite over a dataset now and stores the result: 201 with the verdict, the score, every
   * check's result (with samples of failing rows), the report's URI and, with {@code correct} or an
   * {@code outputUri}, the correction made. A dataset that does not exist or cannot be read is a
   * 422 naming it.
   */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response validate(Dtos.ValidationRequestDto body) {
    if (body == null) {
      throw ApiException.badRequest("a JSON body is required", null);
    }
    List<Problem.FieldError> missing = new ArrayList<>();
    if (body.suite() == null || body.suite().isBlank()) {
      missing.add(new Problem.FieldError("suite", "required", null));
    }
    if (body.datasetUri() == null || body.datasetUri().isBlank()) {
      missing.add(new Problem.FieldError("datasetUri", "required", null));
    }
    if (!missing.isEmpty()) {
      throw ApiException.invalid("required fields are missing", missing);
    }
    boolean correct =
        Boolean.TRUE.equals(body.correct())
            || (body.outputUri() != null && !body.outputUri().isBlank());
    ValidationService.Target target =
        new ValidationService.Target(
            body.suite(),
            body.version(),
            body.datasetUri(),
            body.format(),
            body.references(),
            correct,
            body.outputUri());
    ValidationService.Outcome outcome;
    try {
      outcome = validations.validate(caller.teamId(), target, null);
    } catch (DatasetNotFoundException e) {
      throw ApiException.invalid(
          e.getMessage(), List.of(new Problem.FieldError("datasetUri", e.getMessage(), e.uri())));
    } catch (EngineException e) {
      throw ApiException.invalid(
          e.getMessage(),
          List.of(new Problem.FieldError("datasetUri", e.getMessage(), body.datasetUri())));
    }
    ResultRow r = outcome.result();
    return Response.created(URI.create("/api/v1/validations/" + r.id()))
        .entity(toDto(r, outcome.report(), outcome.correction()))
        .build();
  }

  @GET
  @Path("/{id}")
  public Dtos.ValidationDto get(@PathParam("id") String id) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("validation '" + id + "' not found");
    }
    ResultRow row = validations.get(caller.teamId(), uuid);
    return toDto(row, null, validations.correction(row));
  }

  /** The newest results of a dataset, newest first. */
  @GET
  public Dtos.ValidationList history(
      @QueryParam("dataset") String dataset, @QueryParam("limit") Integer limit) {
    if (dataset == null || dataset.isBlank()) {
      throw ApiException.badRequest("query parameter 'dataset' is required", null);
    }
    int size = limit == null ? 20 : Math.max(1, Math.min(limit, 200));
    return new Dtos.ValidationList(
        validations.history(caller.teamId(), dataset, size).stream()
            .map(r -> toDto(r, null, null))
            .toList());
  }

  private Dtos.ValidationDto toDto(ResultRow r, ValidationReport report, Correction correction) {
    JsonNode checks;
    try {
      checks = report != null ? mapper.valueToTree(report.checks()) : mapper.readTree(r.metrics());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored metrics of validation " + r.id() + " are not JSON");
    }
    return new Dtos.ValidationDto(
        r.id(),
        r.suite(),
        r.suiteVersion(),
        r.dataset(),
        r.datasetUri(),
        r.verdict(),
        r.score(),
        r.rowCount(),
        checks,
        r.scansOfData(),
        report == null ? null : report.scansForSamples(),
        r.reportUri(),
        r.error(),
        r.runId(),
        r.stageId(),
        r.attempt(),
        r.createdAt(),
        correction);
  }
}
