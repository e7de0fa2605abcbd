package io.stevedore.common.messaging;

import java.util.IdentityHashMap;
import java.util.Map;

/** One-line failure reasons: exception types and messages, never stack traces. */
final class Failures {

  static final int MAX_REASON = 1000;

  private Failures() {}

  /** Such as {@code IllegalStateException: run 42 not found; caused by SQLException: timeout}. */
  static String summary(Throwable failure) {
    StringBuilder reason = new StringBuilder();
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    Throwable current = failure;
    for (int depth = 0; current != null && depth < 4 && seen.put(current, true) == null; depth++) {
      if (depth > 0) {
        reason.append("; caused by ");
      }
      String type = current.getClass().getSimpleName();
      reason.append(type.isEmpty() ? current.getClass().getName() : type);
      String message = current.getMessage();
      if (message != null && !message.isBlank()) {
        reason.append(": ").append(message.strip().replaceAll("\\s+", " "));
      }
      if (reason.length() >= MAX_REASON) {
        break;
      }
      current = current.getCause();
    }
    return reason.length() > MAX_REASON
        ? reason.substring(0, MAX_REASON - 1) + "…"
        : reason.toString();
  }
}
