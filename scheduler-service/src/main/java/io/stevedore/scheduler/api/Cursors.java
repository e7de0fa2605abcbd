package io.stevedore.scheduler.api;

import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Opaque page cursors and page-size checks. */
final class Cursors {

  private Cursors() {}

  static String encode(String value) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  static String decode(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalidCursor(cursor);
    }
  }

  static ApiException invalidCursor(String cursor) {
    return ApiException.badRequest(
        "cursor '" + cursor + "' is not a cursor this API returned",
        List.of(new Problem.FieldError("cursor", "not a cursor this API returned", cursor)));
  }

  static int limit(String text, int max) {
    if (text == null) {
      return Math.min(50, max);
    }
    int limit;
    try {
      limit = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "limit must be an integer 1 to " + max + ", got '" + text + "'",
          List.of(new Problem.FieldError("limit", "must be an integer 1 to " + max, text)));
    }
    if (limit < 1 || limit > max) {
      throw ApiException.badRequest(
          "limit must be 1 to " + max + ", got " + limit,
          List.of(new Problem.FieldError("limit", "must be 1 to " + max, String.valueOf(limit))));
    }
    return limit;
  }

  /** An optional query parameter that must be a positive integer (a version). */
  static Integer version(String field, String text) {
    if (text == null) {
      return null;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest(
        field + " must be a version number (1 or more), got '" + text + "'",
        List.of(new Problem.FieldError(field, "must be a version number (1 or more)", text)));
  }
}
