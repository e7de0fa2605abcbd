package io.stevedore.validation.api.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.validation.api.dashboard.DashboardViews.CorrectionsView;
import io.stevedore.validation.api.dashboard.DashboardViews.CountRow;
import io.stevedore.validation.api.dashboard.DashboardViews.RuleRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The corrections made to a result's data, for the dataset page.
 *
 * <p><b>Where they come from.</b> The result's report document: a corrected validation's report
 * holds {@code correction} beside {@code report} ({@code inputRows}, {@code correctedRows}, {@code
 * quarantinedRows}, {@code rules[]} of {@code {rule, target, rows}}, {@code quarantinedByCheck},
 * {@code correctedUri}, {@code quarantineUri}); the engine's own {@code CorrectionReport} inside
 * {@code report} is read too. <b>To wire:</b> once the {@code corrections} table (migration V3) is
 * on this branch, read the result's row there (with the team id in the query) before the report;
 * nothing else of the dashboard changes.
 */
@ApplicationScoped
public class DashboardCorrections {

  private static final String[] NAMES = {"correction", "corrections"};

  /** The corrections recorded in a report document (null when the report could not be read). */
  public CorrectionsView fromReport(JsonNode document) {
    if (document == null) {
      return CorrectionsView.none("Not known: the report could not be read.");
    }
    JsonNode found = null;
    JsonNode holder = null;
    for (JsonNode candidate : new JsonNode[] {document, document.path("report")}) {
      for (String name : NAMES) {
        JsonNode node = candidate.path(name);
        if (node.isObject()) {
          found = node;
          holder = candidate;
          break;
        }
      }
      if (found != null) {
        break;
      }
    }
    if (found == null) {
      return CorrectionsView.none("No corrections were made to this data.");
    }
    List<RuleRow> rules = new ArrayList<>();
    for (JsonNode rule : found.path("rules")) {
      rules.add(
          new RuleRow(
              rule.path("rule").asText(""),
              rule.path("target").asText(""),
              DashboardFormat.count(rule.path("rows"))));
    }
    List<CountRow> byCheck = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = found.path("quarantinedByCheck").fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      byCheck.add(new CountRow(e.getKey(), DashboardFormat.count(e.getValue())));
    }
    return new CorrectionsView(
        true,
        null,
        DashboardFormat.count(found.path("inputRows")),
        DashboardFormat.count(found.path("correctedRows")),
        DashboardFormat.count(found.path("quarantinedRows")),
        rules,
        byCheck,
        text(found, holder, "correctedUri"),
        text(found, holder, "quarantineUri"));
  }

  private static String text(JsonNode found, JsonNode holder, String field) {
    JsonNode n = found.path(field);
    if (!n.isTextual()) {
      n = holder.path(field);
    }
    return n.isTextual() && !n.asText().isBlank() ? n.asText() : null;
  }
}
