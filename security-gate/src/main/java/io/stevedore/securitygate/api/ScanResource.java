package io.stevedore.securitygate.api;

import io.quarkus.security.Authenticated;
import io.stevedore.common.auth.Caller;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.securitygate.config.SecurityGateConfig;
import io.stevedore.securitygate.registry.RegistryReference;
import io.stevedore.securitygate.service.Json;
import io.stevedore.securitygate.service.ScanService;
import io.stevedore.securitygate.store.VerdictStore;
import io.stevedore.securitygate.store.VerdictStore.VerdictRow;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Scans, verdicts, findings and SBOMs; every answer is scoped to the caller's team. */
@Path("/api/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "scans")
public class ScanResource {

  static final String CYCLONEDX = "application/vnd.cyclonedx+json";

  private final ScanService scans;
  private final Json json;
  private final Caller caller;
  private final SecurityGateConfig config;

  ScanResource(ScanService scans, Json json, Caller caller, SecurityGateConfig config) {
    this.scans = scans;
    this.json = json;
    this.caller = caller;
    this.config = config;
  }

  /**
   * Scans an image sent as the body (an OCI image layout tar or a {@code docker save} tar) under
   * the team's policy {@code policy}. 201 with a new verdict; 200 with {@code cached: true} when
   * one was stored for the same image, policy content and advisory data.
   *
   * @param digest pins the image when the archive holds several
   * @param reference where the image comes from ({@code registry/repo:tag}), for the registry rule
   */
  @POST
  @Path("/scans")
  @Consumes({"application/x-tar", MediaType.APPLICATION_OCTET_STREAM})
  public Response scan(
      InputStream body,
      @QueryParam("policy") String policy,
      @QueryParam("digest") String digest,
      @QueryParam("reference") String reference) {
    if (policy == null || policy.isBlank()) {
      throw ApiException.badRequest(
          "query parameter 'policy' (a policy name) is required",
          List.of(new Problem.FieldError("policy", "required", null)));
    }
    java.nio.file.Path file =
        Bodies.toTempFile(body, config.maxScanSize().asLongValue(), "image tar");
    try {
      ScanService.Outcome outcome =
          scans.scan(
              caller.teamId(),
              caller.teamName(),
              policy,
              file,
              blankToNull(digest),
              blankToNull(reference),
              VerdictStore.Trigger.API);
      Dtos.VerdictDto dto = dto(outcome.verdict(), outcome.cached());
      return (outcome.cached()
              ? Response.ok()
              : Response.created(
                  URI.create(
                      "/api/v1/verdicts/" + outcome.verdict().imageDigest() + "?policy=" + policy)))
          .entity(dto)
          .build();
    } finally {
      Bodies.delete(file);
    }
  }

  /**
   * Scans an image in a registry: body {@code {"image": "registry/repo:tag", "policy": "name",
   * "digest": "sha256:..."}} ({@code digest} optional, pins the reference). The reference is
   * resolved to a digest once and recorded; later scans of it use that digest. 201 with a new
   * verdict, 200 with {@code cached: true}; 422 when the image cannot be pulled or read.
   */
  @POST
  @Path("/scans")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response scanReference(Dtos.ScanRequest request) {
    if (request == null || request.image() == null || request.image().isBlank()) {
      throw ApiException.badRequest(
          "'image' (a registry reference) is required",
          List.of(new Problem.FieldError("image", "required", null)));
    }
    if (request.policy() == null || request.policy().isBlank()) {
      throw ApiException.badRequest(
          "'policy' (a policy name) is required",
          List.of(new Problem.FieldError("policy", "required", null)));
    }
    if (!RegistryReference.isRegistryReference(request.image())) {
      throw ApiException.badRequest(
          "'image' must be a registry reference (registry/repo:tag); send local images as a tar",
          List.of(new Problem.FieldError("image", "not a registry reference", request.image())));
    }
    ScanService.Outcome outcome =
        scans.scanReference(
            caller.teamId(),
            caller.teamName(),
            request.policy(),
            request.image().trim(),
            blankToNull(request.digest()),
            VerdictStore.Trigger.API);
    Dtos.VerdictDto dto = dto(outcome.verdict(), outcome.cached());
    return (outcome.cached()
            ? Response.ok()
            : Response.created(
                URI.create(
                    "/api/v1/verdicts/"
                        + outcome.verdict().imageDigest()
                        + "?policy="
                        + request.policy())))
        .entity(dto)
        .build();
  }

  /** The team's latest verdict on an image, under {@code policy} or, without it, any policy. */
  @GET
  @Path("/verdicts/{digest}")
  public Dtos.VerdictDto verdict(
      @PathParam("digest") String digest, @QueryParam("policy") String policy) {
    return dto(scans.latest(caller.teamId(), digest, blankToNull(policy)), null);
  }

  /** The findings of the team's latest verdict on an image. */
  @GET
  @Path("/images/{digest}/findings")
  public Dtos.FindingsDto findings(
      @PathParam("digest") String digest, @QueryParam("policy") String policy) {
    VerdictRow v = scans.latest(caller.teamId(), digest, blankToNull(policy));
    return new Dtos.FindingsDto(
        v.imageDigest(),
        v.verdict(),
        v.policyName(),
        v.policyVersion(),
        v.createdAt(),
        json.findings(v.findingsJson()));
  }

  /** The image's inventory as a CycloneDX 1.6 JSON SBOM. */
  @GET
  @Path("/images/{digest}/sbom")
  @Produces({CYCLONEDX, MediaType.APPLICATION_JSON})
  public Response sbom(@PathParam("digest") String digest) {
    return Response.ok(scans.sbom(caller.teamId(), digest), CYCLONEDX).build();
  }

  private Dtos.VerdictDto dto(VerdictRow v, Boolean cached) {
    return dto(scans, json, v, cached);
  }

  static Dtos.VerdictDto dto(ScanService scans, Json json, VerdictRow v, Boolean cached) {
    return new Dtos.VerdictDto(
        v.id().toString(),
        v.imageDigest(),
        v.verdict(),
        cached,
        scans.current(v),
        v.policyName(),
        v.policyVersion(),
        v.policyHash(),
        v.advisoryVersion(),
        v.reference(),
        v.trigger().name(),
        v.createdAt(),
        json.findings(v.findingsJson()),
        json.strings(v.notesJson()));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
