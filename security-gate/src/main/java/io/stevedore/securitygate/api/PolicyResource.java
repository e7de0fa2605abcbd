package io.stevedore.securitygate.api;

import io.quarkus.security.Authenticated;
import io.stevedore.common.auth.Caller;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.securitygate.config.SecurityGateConfig;
import io.stevedore.securitygate.service.PolicyService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's team's image policies, YAML, versioned. */
@Path("/api/v1/policies")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "policies")
public class PolicyResource {

  private final PolicyService policies;
  private final Caller caller;
  private final SecurityGateConfig config;

  PolicyResource(PolicyService policies, Caller caller, SecurityGateConfig config) {
    this.policies = policies;
    this.caller = caller;
    this.config = config;
  }

  /**
   * Stores the policy: 201 for a new name, 200 with a new version when the content changed, 200
   * with the same version when it did not.
   */
  @PUT
  @Path("/{name}")
  @Consumes({"application/yaml", "application/x-yaml", "text/yaml", MediaType.TEXT_PLAIN})
  public Response put(@PathParam("name") String name, String yaml) {
    long max = config.maxPolicySize().asLongValue();
    if (yaml == null || yaml.isBlank()) {
      throw ApiException.badRequest(
          "the body is empty; send the policy YAML",
          List.of(new Problem.FieldError("body", "required", null)));
    }
    if (yaml.getBytes(StandardCharsets.UTF_8).length > max) {
      throw ApiException.invalid(
          "the policy is larger than " + max + " bytes",
          List.of(new Problem.FieldError("body", "at most " + max + " bytes", null)));
    }
    PolicyService.Saved saved = policies.put(caller.teamId(), caller.teamName(), name, yaml);
    Dtos.PolicyDto dto = dto(saved.policy(), saved.changed());
    return (saved.created()
            ? Response.created(URI.create("/api/v1/policies/" + name))
            : Response.ok())
        .entity(dto)
        .build();
  }

  /** The latest version, or {@code ?version=n}. */
  @GET
  @Path("/{name}")
  public Dtos.PolicyDto get(
      @PathParam("name") String name, @QueryParam("version") Integer version) {
    return dto(policies.get(caller.teamId(), caller.teamName(), name, version), false);
  }

  private static Dtos.PolicyDto dto(PolicyService.StoredPolicy p, boolean changed) {
    return new Dtos.PolicyDto(
        p.row().name(),
        p.row().version(),
        p.row().hash(),
        p.row().createdAt(),
        changed,
        p.row().yaml());
  }
}
