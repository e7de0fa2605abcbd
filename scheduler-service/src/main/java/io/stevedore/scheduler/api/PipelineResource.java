package io.stevedore.scheduler.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.Authenticated;
import io.stevedore.common.auth.Caller;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.spec.SpecFormat;
import io.stevedore.scheduler.config.SchedulerConfig;
import io.stevedore.scheduler.domain.PipelineService;
import io.stevedore.scheduler.store.PipelineStore.PipelineRow;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Pipeline definitions of the caller's team. */
@Path("/api/v1/pipelines")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "pipelines")
public class PipelineResource {

  static final String YAML = "application/yaml";

  private final PipelineService pipelines;
  private final Caller caller;
  private final SchedulerConfig config;
  private final ObjectMapper mapper;

  PipelineResource(
      PipelineService pipelines, Caller caller, SchedulerConfig config, ObjectMapper mapper) {
    this.pipelines = pipelines;
    this.caller = caller;
    this.config = config;
    this.mapper = mapper;
  }

  /** Creates a pipeline, or adds a version when it exists. The body is the spec, YAML or JSON. */
  @POST
  @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"})
  public Response create(String body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
    var saved = pipelines.save(caller.teamId(), caller.teamName(), body, format(contentType), null);
    URI location = URI.create("/api/v1/pipelines/" + saved.pipeline().pipeline().name());
    return (saved.created() ? Response.created(location) : Response.ok())
        .entity(toDto(saved.pipeline()))
        .build();
  }

  /** Adds a version of the named pipeline (or creates it); the spec's name must match. */
  @PUT
  @Path("/{name}")
  @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"})
  public Response update(
      @PathParam("name") String name,
      String body,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
    var saved = pipelines.save(caller.teamId(), caller.teamName(), body, format(contentType), name);
    return (saved.created()
            ? Response.created(URI.create("/api/v1/pipelines/" + name))
            : Response.ok())
        .entity(toDto(saved.pipeline()))
        .build();
  }

  @GET
  @Path("/{name}")
  public Dtos.PipelineDto get(
      @PathParam("name") String name, @QueryParam("version") String version) {
    return toDto(pipelines.get(caller.teamId(), name, Cursors.version("version", version)));
  }

  @GET
  @Path("/{name}/versions/{version}")
  public Dtos.PipelineDto version(
      @PathParam("name") String name, @PathParam("version") int version) {
    return toDto(pipelines.get(caller.teamId(), name, version));
  }

  @GET
  public Dtos.Page<Dtos.PipelineSummary> list(
      @QueryParam("limit") String limit,
      @QueryParam("cursor") String cursor,
      @QueryParam("archived") boolean archived) {
    int size = Cursors.limit(limit, config.maxPageSize());
    List<PipelineRow> rows =
        pipelines.list(caller.teamId(), Cursors.decode(cursor), size + 1, archived);
    boolean more = rows.size() > size;
    List<PipelineRow> page = more ? rows.subList(0, size) : rows;
    return new Dtos.Page<>(
        page.stream()
            .map(
                r ->
                    new Dtos.PipelineSummary(
                        r.name(), r.latestVersion(), r.updatedAt(), r.archivedAt()))
            .toList(),
        more ? Cursors.encode(page.get(page.size() - 1).name()) : null);
  }

  @GET
  @Path("/{name}/diff")
  public Dtos.DiffDto diff(
      @PathParam("name") String name,
      @QueryParam("from") String from,
      @QueryParam("to") String to) {
    Integer a = Cursors.version("from", from);
    Integer b = Cursors.version("to", to);
    if (a == null || b == null) {
      throw ApiException.badRequest(
          "query parameters 'from' and 'to' (versions) are required", null);
    }
    return new Dtos.DiffDto(name, a, b, pipelines.diff(caller.teamId(), name, a, b));
  }

  /** Archives the pipeline: hidden from lists, no new runs, schedule stopped. */
  @DELETE
  @Path("/{name}")
  public Response archive(@PathParam("name") String name) {
    pipelines.archive(caller.teamId(), name);
    return Response.noContent().build();
  }

  private Dtos.PipelineDto toDto(PipelineService.PipelineVersion p) {
    return new Dtos.PipelineDto(
        p.pipeline().name(),
        p.spec().team(),
        p.version().version(),
        p.pipeline().latestVersion(),
        p.pipeline().createdAt(),
        p.pipeline().updatedAt(),
        p.version().createdAt(),
        p.pipeline().archivedAt(),
        tree(p.version().specJson()));
  }

  private JsonNode tree(String json) {
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static SpecFormat format(String contentType) {
    return contentType != null && contentType.toLowerCase().contains("json")
        ? SpecFormat.JSON
        : SpecFormat.YAML;
  }
}
