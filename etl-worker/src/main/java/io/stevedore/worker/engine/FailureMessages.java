package io.stevedore.worker.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns DuckDB's and the drivers' messages into something a user can act on: local scratch paths
 * replaced by the S3 objects they were downloaded from, Java exception prefixes and DuckDB's hint
 * boilerplate removed, and the length bounded.
 */
final class FailureMessages {

  private static final int MAX_LENGTH = 2000;

  private final Map<String, String> aliases = new LinkedHashMap<>();

  void alias(String local, String remote) {
    aliases.put(local, remote);
  }

  String clean(String message) {
    if (message == null || message.isBlank()) {
      return "no details given";
    }
    String text = message;
    for (Map.Entry<String, String> a : aliases.entrySet()) {
      text = text.replace(a.getKey(), a.getValue());
    }
    text = text.replaceAll("(?m)^\\s*(java\\.[\\w.]+Exception|org\\.duckdb\\.[\\w.]+): ", "");
    // DuckDB appends generic advice and the statement it ran (with the scratch paths); the rest
    // says what and where.
    int advice = text.indexOf("\nPossible fixes:");
    if (advice > 0) {
      text = text.substring(0, advice);
    }
    text = text.replaceAll("(?m)^LINE \\d+:.*$", "");
    text = text.replaceAll("(?m)^\\s*\\^+\\s*$", "");
    text = text.replaceAll("(?m)^Try setting '.*$", "");
    text = text.replaceAll("\\n\\s*\\n+", "\n").strip();
    return text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) + " ..." : text;
  }
}
