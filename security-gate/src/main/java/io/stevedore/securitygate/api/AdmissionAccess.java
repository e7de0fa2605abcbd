package io.stevedore.securitygate.api;

import io.stevedore.common.auth.ApiKeys;
import io.stevedore.common.auth.Caller;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.securitygate.config.SecurityGateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Who may ask for an admission on behalf of which team: a team key for its own team only (the
 * body's {@code team} may be left out or must name the caller's team); a service key ({@link
 * Caller#SERVICE}) of a service listed in {@code stevedore.security-gate.admission-services} (the
 * orchestrator) for the team it names in the body; nobody else.
 */
@ApplicationScoped
public class AdmissionAccess {

  /** The team an admission is decided for. */
  public record Team(UUID id, String name) {}

  private final Caller caller;
  private final ApiKeys teams;
  private final SecurityGateConfig config;

  AdmissionAccess(Caller caller, ApiKeys teams, SecurityGateConfig config) {
    this.caller = caller;
    this.teams = teams;
    this.config = config;
  }

  /**
   * The team to decide for.
   *
   * @param requested the team named in the body, or null
   * @throws ApiException 403 when the caller may not ask for that team
   */
  public Team teamFor(String requested) {
    if (caller.isService()) {
      String service = caller.serviceName();
      if (!config.admissionServices().contains(service)) {
        throw forbidden(requested, "service '" + service + "' may not ask for admissions");
      }
      if (requested == null || requested.isBlank()) {
        throw ApiException.badRequest(
            "a service caller must name the team ('team')",
            List.of(new Problem.FieldError("team", "required for a service caller", null)));
      }
      ApiKeys.Team team = teams.team(requested);
      return new Team(team.id(), team.name());
    }
    if (caller.isAdmin()) {
      throw forbidden(requested, "the admin key may not ask for admissions; use a team key");
    }
    String own = caller.teamName();
    if (requested != null && !requested.isBlank() && !requested.equals(own)) {
      throw forbidden(
          requested,
          "team '" + own + "' may not ask for an admission for team '" + requested + "'");
    }
    return new Team(caller.teamId(), own);
  }

  private static ApiException forbidden(String team, String detail) {
    return new ApiException(
        403,
        "forbidden",
        "Forbidden",
        detail,
        false,
        List.of(new Problem.FieldError("team", detail, team)));
  }
}
