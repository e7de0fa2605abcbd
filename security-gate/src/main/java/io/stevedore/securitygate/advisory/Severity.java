package io.stevedore.securitygate.advisory;

import java.util.Locale;
import java.util.Optional;

/** An advisory's severity bucket, lowest first; {@link #UNKNOWN} when the data gives none. */
public enum Severity {
  UNKNOWN,
  NONE,
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  /** The CVSS v3 qualitative rating of a base score. */
  public static Severity ofScore(double score) {
    if (score <= 0.0) {
      return NONE;
    } else if (score < 4.0) {
      return LOW;
    } else if (score < 7.0) {
      return MEDIUM;
    } else if (score < 9.0) {
      return HIGH;
    }
    return CRITICAL;
  }

  /** Reads a severity word, accepting GitHub's {@code MODERATE} for medium. */
  public static Optional<Severity> parse(String word) {
    if (word == null) {
      return Optional.empty();
    }
    return switch (word.trim().toUpperCase(Locale.ROOT)) {
      case "CRITICAL" -> Optional.of(CRITICAL);
      case "HIGH", "IMPORTANT" -> Optional.of(HIGH);
      case "MEDIUM", "MODERATE" -> Optional.of(MEDIUM);
      case "LOW", "NEGLIGIBLE", "UNIMPORTANT" -> Optional.of(LOW);
      case "NONE" -> Optional.of(NONE);
      case "UNKNOWN" -> Optional.of(UNKNOWN);
      default -> Optional.empty();
    };
  }
}
