package io.stevedore.securitygate.api;

import io.stevedore.common.auth.Caller;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Who may ask for an admission on behalf of which team. Today only team keys exist: a team may ask
 * for itself only (the body's {@code team} may be left out or must name the caller's team). When
 * common's auth gains a service caller (the orchestrator), it is admitted here for the team it
 * names in the body.
 */
@ApplicationScoped
public class AdmissionAccess {

  /** The team an admission is decided for. */
  public record Team(UUID id, String name) {}

  private final Caller caller;

  AdmissionAccess(Caller caller) {
    this.caller = caller;
  }

  /**
   * The team to decide for.
   *
   * @param requested the team named in the body, or null
   * @throws ApiException 403 when the caller may not ask for that team
   */
  public Team teamFor(String requested) {
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
