package io.stevedore.common.auth;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import java.util.UUID;

/** Who is calling: a team (by its API key) or the bootstrap admin. */
@RequestScoped
public class Caller {

  /** Role of a team's API key. */
  public static final String TEAM = "team";

  /** Role of the bootstrap admin key. */
  public static final String ADMIN = "admin";

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

  public boolean isAdmin() {
    return identity.hasRole(ADMIN);
  }
}
