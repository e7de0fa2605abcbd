package io.stevedore.securitygate.advisory;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** Reads OSV JSON (https://ossf.github.io/osv-schema/) into {@link Advisory} records. */
final class OsvParser {

  private OsvParser() {}

  static Advisory parse(JsonNode node, Instant importedAt) {
    String id = node.path("id").asText("");
    if (id.isBlank()) {
      throw new IllegalArgumentException("OSV record has no id");
    }
    Instant modified;
    try {
      modified = Instant.parse(node.path("modified").asText(""));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "OSV record "
              + id
              + " has no valid 'modified' time: '"
              + node.path("modified").asText("")
              + "'");
    }
    List<String> aliases = new ArrayList<>();
    node.path("aliases").forEach(a -> aliases.add(a.asText()));
    node.path("upstream")
        .forEach(
            a -> {
              if (a.asText().startsWith("CVE-") && !aliases.contains(a.asText())) {
                aliases.add(a.asText());
              }
            });
    Double score = null;
    Severity severity = Severity.UNKNOWN;
    for (JsonNode s : node.path("severity")) {
      OptionalDouble d = Cvss.baseScore(s.path("score").asText(null));
      if (d.isPresent() && (score == null || d.getAsDouble() > score)) {
        score = d.getAsDouble();
      }
    }
    if (score != null) {
      severity = Severity.ofScore(score);
    } else {
      severity =
          Severity.parse(node.path("database_specific").path("severity").asText(null))
              .orElse(Severity.UNKNOWN);
    }
    List<Advisory.Affected> affected = new ArrayList<>();
    for (JsonNode a : node.path("affected")) {
      JsonNode pkg = a.path("package");
      List<Advisory.Range> ranges = new ArrayList<>();
      for (JsonNode r : a.path("ranges")) {
        List<Advisory.Event> events = new ArrayList<>();
        for (JsonNode e : r.path("events")) {
          addEvent(events, e, "introduced", Advisory.Event.Kind.INTRODUCED);
          addEvent(events, e, "fixed", Advisory.Event.Kind.FIXED);
          addEvent(events, e, "last_affected", Advisory.Event.Kind.LAST_AFFECTED);
          addEvent(events, e, "limit", Advisory.Event.Kind.LIMIT);
        }
        ranges.add(new Advisory.Range(r.path("type").asText(""), events));
      }
      List<String> versions = new ArrayList<>();
      a.path("versions").forEach(v -> versions.add(v.asText()));
      if (severity == Severity.UNKNOWN) {
        severity =
            Severity.parse(a.path("ecosystem_specific").path("severity").asText(null))
                .or(() -> Severity.parse(a.path("database_specific").path("severity").asText(null)))
                .orElse(Severity.UNKNOWN);
      }
      affected.add(
          new Advisory.Affected(
              pkg.path("ecosystem").asText(""),
              pkg.path("name").asText(""),
              pkg.path("purl").asText(""),
              ranges,
              versions));
    }
    return new Advisory(
        id,
        modified,
        aliases,
        node.path("summary").asText(""),
        severity,
        score,
        affected,
        importedAt);
  }

  private static void addEvent(
      List<Advisory.Event> events, JsonNode e, String field, Advisory.Event.Kind kind) {
    if (e.hasNonNull(field)) {
      events.add(new Advisory.Event(kind, e.path(field).asText()));
    }
  }
}
