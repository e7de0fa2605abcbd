package io.stevedore.common.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one exception mapper of every service: each exception type maps to one status and a {@link
 * Problem} body. Responses never carry a Java class name or a stack trace; unexpected errors are
 * logged with a reference that the response repeats.
 *
 * <table>
 *   <tr><th>exception</th><th>status</th></tr>
 *   <tr><td>{@link ApiException}</td><td>its own (400, 404, 409, 422, 503)</td></tr>
 *   <tr><td>malformed JSON, wrong types, unknown fields</td><td>400</td></tr>
 *   <tr><td>no or bad API key</td><td>401</td></tr>
 *   <tr><td>a team key on an admin endpoint</td><td>403</td></tr>
 *   <tr><td>{@link WebApplicationException} (no route, wrong method, media type)</td><td>its own</td></tr>
 *   <tr><td>anything else</td><td>500</td></tr>
 * </table>
 */
public class ProblemMapper {

  private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

  @ServerExceptionMapper
  public Response apiException(ApiException e, UriInfo uri) {
    return respond(
        e.status(),
        e.slug(),
        e.title(),
        e.getMessage(),
        uri,
        e.errors().isEmpty() ? null : e.errors(),
        e.retryable());
  }

  @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
  public Response unauthorized(RuntimeException e, UriInfo uri) {
    String detail =
        e instanceof AuthenticationFailedException
            ? "the API key is not valid"
            : "an API key is required: send 'Authorization: Bearer <key>'";
    return Response.fromResponse(
            respond(401, "unauthorized", "Unauthorized", detail, uri, null, false))
        .header("WWW-Authenticate", "Bearer realm=\"stevedore\"")
        .build();
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e, UriInfo uri) {
    return respond(
        403, "forbidden", "Forbidden", "this API key may not call this endpoint", uri, null, false);
  }

  @ServerExceptionMapper
  public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
    String field = path(e);
    return respond(
        400,
        "bad-request",
        "Bad request",
        "unknown field '" + field + "'",
        uri,
        List.of(new Problem.FieldError(field, "unknown field", null)),
        false);
  }

  @ServerExceptionMapper
  public Response invalidFormat(InvalidFormatException e, UriInfo uri) {
    String field = path(e);
    String value = String.valueOf(e.getValue());
    String expected = e.getTargetType() == null ? "another type" : describe(e.getTargetType());
    return respond(
        400,
        "bad-request",
        "Bad request",
        "field '" + field + "' must be " + expected + ", got '" + value + "'",
        uri,
        List.of(new Problem.FieldError(field, "must be " + expected, value)),
        false);
  }

  @ServerExceptionMapper
  public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
    String field = path(e);
    String expected = e.getTargetType() == null ? "another type" : describe(e.getTargetType());
    if (field.isEmpty()) {
      return respond(
          400, "bad-request", "Bad request", "the body must be " + expected, uri, null, false);
    }
    return respond(
        400,
        "bad-request",
        "Bad request",
        "field '" + field + "' must be " + expected,
        uri,
        List.of(new Problem.FieldError(field, "must be " + expected, null)),
        false);
  }

  @ServerExceptionMapper
  public Response malformedJson(JsonParseException e, UriInfo uri) {
    var location = e.getLocation();
    String where =
        location == null
            ? ""
            : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    return respond(
        400,
        "bad-request",
        "Bad request",
        "the body is not valid JSON" + where + ": " + e.getOriginalMessage(),
        uri,
        null,
        false);
  }

  @ServerExceptionMapper
  public Response otherJson(JsonProcessingException e, UriInfo uri) {
    return respond(
        400,
        "bad-request",
        "Bad request",
        "the body could not be read: " + e.getOriginalMessage(),
        uri,
        null,
        false);
  }

  @ServerExceptionMapper
  public Response webApplication(WebApplicationException e, UriInfo uri) {
    // the JSON body reader wraps Jackson's errors; answer them as precisely as when unwrapped
    if (e.getCause() instanceof UnrecognizedPropertyException cause) {
      return unknownField(cause, uri);
    } else if (e.getCause() instanceof InvalidFormatException cause) {
      return invalidFormat(cause, uri);
    } else if (e.getCause() instanceof MismatchedInputException cause) {
      return mismatchedInput(cause, uri);
    } else if (e.getCause() instanceof JsonParseException cause) {
      return malformedJson(cause, uri);
    } else if (e.getCause() instanceof JsonProcessingException cause) {
      return otherJson(cause, uri);
    }
    int status = e.getResponse().getStatus();
    if (status >= 500) {
      return internal(e, uri);
    }
    String title =
        Response.Status.fromStatusCode(status) == null
            ? "Error"
            : Response.Status.fromStatusCode(status).getReasonPhrase();
    String detail =
        switch (status) {
          case 404 -> "no resource at " + uri.getPath();
          case 405 -> "method not allowed on " + uri.getPath();
          case 406 -> "none of the accepted media types can be produced";
          case 413 -> "the body is larger than allowed";
          case 415 -> "unsupported content type; send application/json";
          default -> title;
        };
    return respond(status, title.toLowerCase().replace(' ', '-'), title, detail, uri, null, false);
  }

  @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
  public Response unexpected(Throwable e, UriInfo uri) {
    return internal(e, uri);
  }

  private Response internal(Throwable e, UriInfo uri) {
    String reference = UUID.randomUUID().toString();
    LOG.errorf(e, "unexpected error on %s (reference %s)", uri.getPath(), reference);
    return respond(
        500,
        "internal",
        "Internal error",
        "an unexpected error occurred; quote reference " + reference + " to the operators",
        uri,
        null,
        true);
  }

  static Response respond(
      int status,
      String slug,
      String title,
      String detail,
      UriInfo uri,
      List<Problem.FieldError> errors,
      boolean retryable) {
    Problem body =
        new Problem(
            Problem.TYPE_BASE + slug,
            title,
            status,
            detail,
            uri == null ? null : uri.getPath(),
            errors,
            retryable);
    return Response.status(status).type(Problem.MEDIA_TYPE).entity(body).build();
  }

  /** The JSON path of the field, like {@code stages[2].id}. */
  static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!out.isEmpty()) {
          out.append('.');
        }
        out.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  private static String describe(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type.isEnum()) {
      Object[] values = type.getEnumConstants();
      return "one of " + java.util.Arrays.toString(values);
    }
    if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    if (java.util.UUID.class == type) {
      return "a UUID";
    }
    if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
      return "an ISO-8601 date-time";
    }
    return "an object";
  }
}
