package io.stevedore.common.http;

import java.util.List;

/**
 * An error a client can act on. Each subclass fixes the status; the message says what was wrong and
 * with which value, for example {@code pipeline 'x' version 3 not found}.
 */
public class ApiException extends RuntimeException {

  private final int status;
  private final String slug;
  private final String title;
  private final boolean retryable;
  private final List<Problem.FieldError> errors;

  public ApiException(
      int status,
      String slug,
      String title,
      String detail,
      boolean retryable,
      List<Problem.FieldError> errors) {
    super(detail, null, false, false);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.retryable = retryable;
    this.errors = errors == null ? List.of() : List.copyOf(errors);
  }

  public int status() {
    return status;
  }

  public String slug() {
    return slug;
  }

  public String title() {
    return title;
  }

  public boolean retryable() {
    return retryable;
  }

  public List<Problem.FieldError> errors() {
    return errors;
  }

  /** 400: the request cannot be read. */
  public static ApiException badRequest(String detail, List<Problem.FieldError> errors) {
    return new ApiException(400, "bad-request", "Bad request", detail, false, errors);
  }

  /** 404: the thing does not exist, or belongs to another team. */
  public static ApiException notFound(String detail) {
    return new ApiException(404, "not-found", "Not found", detail, false, null);
  }

  /** 409: the request conflicts with the current state. */
  public static ApiException conflict(String detail) {
    return new ApiException(409, "conflict", "Conflict", detail, false, null);
  }

  /** 422: the request is readable but invalid; each field problem is listed. */
  public static ApiException invalid(String detail, List<Problem.FieldError> errors) {
    return new ApiException(422, "validation", "Validation failed", detail, false, errors);
  }

  /** 503: a dependency is unavailable; retrying later may succeed. */
  public static ApiException unavailable(String detail) {
    return new ApiException(503, "unavailable", "Service unavailable", detail, true, null);
  }
}
