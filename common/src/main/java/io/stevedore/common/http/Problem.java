package io.stevedore.common.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * An RFC 9457 problem detail, served as {@code application/problem+json}. {@code errors} lists each
 * field problem of a validation failure with its path and offending value; {@code retryable} says
 * whether sending the same request again may succeed.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    List<FieldError> errors,
    Boolean retryable) {

  /** The media type of problem responses. */
  public static final String MEDIA_TYPE = "application/problem+json";

  /** Base of the {@code type} URIs; the slug names the kind of problem. */
  public static final String TYPE_BASE = "https://stevedore.io/problems/";

  /** One problem with one field of the request. */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FieldError(String field, String message, String value) {}
}
