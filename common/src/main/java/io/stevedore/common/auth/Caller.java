package io.stevedore.common.auth;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import java.util.UUID;

/** Who is calling: a team (by its API key), another Stevedore service, or the bootstrap admin. */
@RequestScoped
public class Caller {

  /** Role of a team's API key. */
  public static final String TEAM = "team";

  /** Role of the bootstrap admin key. */
  public static final String ADMIN = "admin";

  /**
   * Role of another Stevedore service's key ({@code stevedore.auth.service-keys}); it acts for the
   * team its request names, only where an endpoint allows this role.
   */
  public static final String SERVICE = "service";

  /** Attribute of the security identity that holds the team id. */
  public static final String TEAM_ID = "stevedore.team-id";

  private final SecurityIdentity identity;

  Caller(SecurityIdentity identity) {
    this.identity = identity;
  }

  /** The caller's team id; every team-facing query is scoped to it. */
  public UUID teamId() {
    Object id = identity.getAttribute(TEAM_ID);
    if (id == null) {
      throw new UnauthorizedException();
    }
    return (UUID) id;
  }

  /** The caller's team name. */
  public String teamName() {
    if (identity.isAnonymous() || !identity.hasRole(TEAM)) {
      throw new UnauthorizedException();
    }
    return identity.getPrincipal().getName();
  }

  /** Whether the caller is another Stevedore service. */
  public boolean isService() {
    return identity.hasRole(SERVICE);
  }

  /** The calling service's name (from {@code stevedore.auth.service-keys}). */
  public String serviceName() {
    if (!identity.hasRole(SERVICE)) {
      throw new UnauthorizedException();
    }
    return identity.getPrincipal().getName().substring("service:".length());
  }

  public boolean isAdmin() {
    return identity.hasRole(ADMIN);
  }
}
