package io.stevedore.common.http;

import io.stevedore.common.config.StevedoreConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a request body larger than {@code stevedore.http.max-body-size} with a 413 problem,
 * before it is read. (Bodies without a Content-Length are cut by Quarkus at {@code
 * quarkus.http.limits.max-body-size}, a larger hard limit.)
 */
public class BodyLimitFilter {

  private final long maxBytes;

  BodyLimitFilter(StevedoreConfig config) {
    this.maxBytes = config.http().maxBodySize().asLongValue();
  }

  @ServerRequestFilter(preMatching = true)
  public void checkLength(ContainerRequestContext request) {
    String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    if (length == null) {
      return;
    }
    long bytes;
    try {
      bytes = Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Content-Length '" + length + "' is not a number", List.of());
    }
    if (bytes > maxBytes) {
      throw new ApiException(
          413,
          "payload-too-large",
          "Payload too large",
          "the body has " + bytes + " bytes; at most " + maxBytes + " are accepted",
          false,
          List.of(new Problem.FieldError("body", "at most " + maxBytes + " bytes", null)));
    }
  }
}
