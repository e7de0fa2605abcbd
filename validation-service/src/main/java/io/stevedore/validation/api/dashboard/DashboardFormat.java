package io.stevedore.validation.api.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the dashboard writes numbers and times. */
final class DashboardFormat {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private DashboardFormat() {}

  static String score(double score) {
    return String.format(Locale.ROOT, "%.2f", score);
  }

  static String count(Long n) {
    return n == null ? "" : String.format(Locale.ROOT, "%,d", n);
  }

  static String count(JsonNode n) {
    return n != null && n.isIntegralNumber() ? count(n.asLong()) : "";
  }

  static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.2f%%", ratio * 100);
  }

  static String time(Instant t) {
    return t == null ? "" : TIME.format(t);
  }

  /** The latest score minus the previous one, signed, or empty without a previous one. */
  static String change(double latest, Double previous) {
    if (previous == null) {
      return "";
    }
    double d = latest - previous;
    if (Math.abs(d) < 0.005) {
      return "±0.00";
    }
    return String.format(Locale.ROOT, "%+.2f", d);
  }
}
