package io.stevedore.securitygate.api;

import io.quarkus.security.Authenticated;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.securitygate.service.AdmissionService;
import io.stevedore.securitygate.service.Json;
import io.stevedore.securitygate.store.VerdictStore.VerdictRow;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The orchestrator's hook: may this image run for this team? Answers the verdict under the team's
 * policy (its default policy when none is named), computed or found in the verdict cache (per image
 * digest, policy content and advisory data), and whether the configured enforcement lets the launch
 * go ahead.
 */
@Path("/api/v1/admissions")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admissions")
public class AdmissionResource {

  private final AdmissionService admissions;
  private final AdmissionAccess access;
  private final Json json;

  AdmissionResource(AdmissionService admissions, AdmissionAccess access, Json json) {
    this.admissions = admissions;
    this.access = access;
    this.json = json;
  }

  /**
   * Decides on {@code image}: a registry reference ({@code registry/repo:tag}, resolved to a digest
   * once and pinned), a pinned reference ({@code registry/repo@sha256:...}), or a bare digest of an
   * image the gate has seen.
   */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Dtos.AdmissionDto admit(Dtos.AdmissionRequest request) {
    if (request == null || request.image() == null || request.image().isBlank()) {
      throw ApiException.badRequest(
          "'image' (a registry reference or an image digest) is required",
          List.of(new Problem.FieldError("image", "required", null)));
    }
    AdmissionAccess.Team team = access.teamFor(request.team());
    AdmissionService.Admission a =
        admissions.admit(
            team.id(),
            team.name(),
            request.image().trim(),
            request.policy() == null || request.policy().isBlank() ? null : request.policy());
    VerdictRow v = a.outcome().verdict();
    return new Dtos.AdmissionDto(
        request.image(),
        v.imageDigest(),
        a.outcome().pinned(),
        v.verdict(),
        a.allowed(),
        a.enforcement().name().toLowerCase(Locale.ROOT),
        a.outcome().cached(),
        v.policyName(),
        v.policyVersion(),
        v.policyHash(),
        v.advisoryVersion(),
        v.id().toString(),
        v.trigger().name(),
        v.createdAt(),
        json.findings(v.findingsJson()),
        json.strings(v.notesJson()));
  }
}
