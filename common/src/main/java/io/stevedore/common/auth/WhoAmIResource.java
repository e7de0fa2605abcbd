package io.stevedore.common.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
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
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Identity(String team, boolean admin, String service) {}

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Identity whoami() {
    if (caller.isAdmin()) {
      return new Identity(null, true, null);
    }
    if (caller.isService()) {
      return new Identity(null, false, caller.serviceName());
    }
    return new Identity(caller.teamName(), false, null);
  }
}
