package io.stevedore.securitygate.api;

import io.quarkus.security.Authenticated;
import io.stevedore.common.auth.Caller;
import io.stevedore.securitygate.config.SecurityGateConfig;
import io.stevedore.securitygate.service.AdvisoryService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The advisory database, shared by every team. Any authenticated team key may import: advisories
 * are public data and only ever replaced by a newer version of themselves, and each import is
 * recorded with the importing team.
 */
@Path("/api/v1/advisories")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "advisories")
public class AdvisoryResource {

  private final AdvisoryService advisories;
  private final Caller caller;
  private final SecurityGateConfig config;

  AdvisoryResource(AdvisoryService advisories, Caller caller, SecurityGateConfig config) {
    this.advisories = advisories;
    this.caller = caller;
    this.config = config;
  }

  /** Imports OSV JSON (a record or an array) or a zip of OSV records. */
  @POST
  @Path("/import")
  @Consumes({MediaType.APPLICATION_JSON, "application/zip", MediaType.APPLICATION_OCTET_STREAM})
  public Dtos.ImportDto importOsv(InputStream body, @QueryParam("source") String source) {
    byte[] bytes = Bodies.bytes(body, config.maxImportSize().asLongValue(), "advisory import");
    AdvisoryService.ImportResult r =
        advisories.importBytes(
            caller.teamId(), source == null || source.isBlank() ? "upload" : source, bytes);
    return new Dtos.ImportDto(
        r.id().toString(),
        r.importedAt(),
        r.source(),
        r.inserted(),
        r.updated(),
        r.unchanged(),
        r.problems(),
        r.previousDataVersion(),
        r.dataVersion(),
        r.advisories());
  }

  /** How many advisories this instance holds, and their data version. */
  @GET
  public Dtos.AdvisoryStatusDto status() {
    return new Dtos.AdvisoryStatusDto(advisories.index().size(), advisories.index().dataVersion());
  }
}
