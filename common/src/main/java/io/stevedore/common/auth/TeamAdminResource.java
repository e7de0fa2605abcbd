package io.stevedore.common.auth;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Teams and API keys, for the bootstrap admin key only. Served by the service that sets the build
 * property {@code stevedore.auth.admin-api=true} (the scheduler, the teams' front door).
 */
@Path("/admin/teams")
@RolesAllowed(Caller.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@IfBuildProperty(name = "stevedore.auth.admin-api", stringValue = "true")
public class TeamAdminResource {

  private final ApiKeys keys;

  TeamAdminResource(ApiKeys keys) {
    this.keys = keys;
  }

  /** Body of a team creation. */
  @RegisterForReflection
  public record NewTeam(String name) {}

  /** Body of a key creation. */
  @RegisterForReflection
  public record NewKey(String description) {}

  @POST
  public Response createTeam(NewTeam body) {
    ApiKeys.Team team = keys.createTeam(body == null ? null : body.name());
    return Response.created(URI.create("/admin/teams/" + team.name())).entity(team).build();
  }

  @GET
  public List<ApiKeys.Team> listTeams() {
    return keys.listTeams();
  }

  @POST
  @Path("/{team}/keys")
  public Response createKey(@PathParam("team") String team, NewKey body) {
    ApiKeys.CreatedKey key = keys.createKey(team, body == null ? null : body.description());
    return Response.status(201).entity(key).build();
  }

  @GET
  @Path("/{team}/keys")
  public List<ApiKeys.KeyInfo> listKeys(@PathParam("team") String team) {
    return keys.listKeys(team);
  }

  @DELETE
  @Path("/{team}/keys/{keyId}")
  public Response revokeKey(@PathParam("team") String team, @PathParam("keyId") String keyId) {
    keys.revokeKey(team, keyId);
    return Response.noContent().build();
  }
}
