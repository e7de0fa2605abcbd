package io.stevedore.common.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** An API key presented in a request, to be checked by {@link ApiKeyIdentityProvider}. */
public class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {

  private final String key;

  public ApiKeyAuthenticationRequest(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  @Override
  public String toString() {
    return "ApiKeyAuthenticationRequest[key=<redacted>]";
  }
}
