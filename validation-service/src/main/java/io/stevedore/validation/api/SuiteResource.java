package io.stevedore.validation.api;

import io.quarkus.security.Authenticated;
import io.stevedore.common.auth.Caller;
import io.stevedore.common.http.ApiException;
import io.stevedore.validation.domain.SuiteService;
import io.stevedore.validation.domain.SuiteService.SuiteVersion;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's team's suites (data contracts). */
@Path("/api/v1/suites")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "suites")
public class SuiteResource {

  static final String YAML = "application/yaml";

  private final SuiteService suites;
  private final Caller caller;

  SuiteResource(SuiteService suites, Caller caller) {
    this.suites = suites;
    this.caller = caller;
  }

  /**
   * Saves a suite, YAML or JSON: 201 when new, 200 when it adds a version or is unchanged. Named by
   * {@code ?name=}, else by its dataset.
   */
  @POST
  @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml"})
  public Response save(String body, @QueryParam("name") String name) {
    var saved = suites.save(caller.teamId(), name, body);
    Dtos.SuiteDto dto = toDto(saved.suite());
    return (saved.created()
            ? Response.created(URI.create("/api/v1/suites/" + dto.name()))
            : Response.ok())
        .entity(dto)
        .build();
  }

  @GET
  @Path("/{name}")
  public Dtos.SuiteDto get(@PathParam("name") String name, @QueryParam("version") String version) {
    return toDto(suites.get(caller.teamId(), name, version(version)));
  }

  @GET
  public Dtos.SuiteList list() {
    return new Dtos.SuiteList(
        suites.list(caller.teamId()).stream()
            .map(s -> new Dtos.SuiteSummary(s.name(), s.latestVersion(), s.updatedAt()))
            .toList());
  }

  static Integer version(String version) {
    if (version == null || version.isBlank()) {
      return null;
    }
    try {
      int v = Integer.parseInt(version.strip());
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badRequest(
        "query parameter 'version' must be a positive whole number, got '" + version + "'", null);
  }

  static Dtos.SuiteDto toDto(SuiteVersion s) {
    return new Dtos.SuiteDto(
        s.suite().name(),
        s.version().dataset(),
        s.version().format(),
        s.version().version(),
        s.suite().latestVersion(),
        s.suite().createdAt(),
        s.suite().updatedAt(),
        s.version().createdAt(),
        s.version().source());
  }
}
