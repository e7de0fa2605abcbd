package io.stevedore.common.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Turns a presented API key into a team identity (or the admin identity), checked on a worker. */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {

  private final ApiKeys keys;

  ApiKeyIdentityProvider(ApiKeys keys) {
    this.keys = keys;
  }

  @Override
  public Class<ApiKeyAuthenticationRequest> getRequestType() {
    return ApiKeyAuthenticationRequest.class;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      ApiKeyAuthenticationRequest request, AuthenticationRequestContext context) {
    return context.runBlocking(
        () -> {
          if (keys.isAdminKey(request.key())) {
            return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal("admin"))
                .addRole(Caller.ADMIN)
                .build();
          }
          Optional<String> service = keys.serviceOf(request.key());
          if (service.isPresent()) {
            return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal("service:" + service.get()))
                .addRole(Caller.SERVICE)
                .build();
          }
          ApiKeys.Team team =
              keys.authenticate(request.key()).orElseThrow(AuthenticationFailedException::new);
          return QuarkusSecurityIdentity.builder()
              .setPrincipal(new QuarkusPrincipal(team.name()))
              .addRole(Caller.TEAM)
              .addAttribute(Caller.TEAM_ID, team.id())
              .build();
        });
  }
}
