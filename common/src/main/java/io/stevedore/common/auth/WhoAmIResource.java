package io.stevedore.common.auth;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Tells a caller which team its key belongs to; handy to check a key against any service. */
@Path("/api/v1/whoami")
@Authenticated
@Tag(name = "auth")
public class WhoAmIResource {

  private final Caller caller;

  WhoAmIResource(Caller caller) {
    this.caller = caller;
  }

  /** The caller's identity. */
  @RegisterForReflection
  public record Identity(String team, boolean admin) {}

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Identity whoami() {
    return caller.isAdmin() ? new Identity(null, true) : new Identity(caller.teamName(), false);
  }
}
