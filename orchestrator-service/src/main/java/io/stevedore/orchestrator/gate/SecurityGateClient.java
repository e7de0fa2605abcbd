package io.stevedore.orchestrator.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.orchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Asks security-gate for an admission: {@code POST /api/v1/admissions} with the image and the team,
 * authenticated with the orchestrator's service key. Every failure to get a verdict comes back as
 * an UNKNOWN answer that says why; nothing here throws.
 */
@ApplicationScoped
public class SecurityGateClient {

  private static final int MAX_FINDINGS_IN_DETAIL = 5;

  private final OrchestratorConfig.SecurityGate config;
  private final ObjectMapper mapper;
  private final HttpClient http;

  SecurityGateClient(OrchestratorConfig config, ObjectMapper mapper) {
    this.config = config.securityGate();
    this.mapper = mapper;
    this.http = HttpClient.newBuilder().connectTimeout(this.config.timeout()).build();
  }

  /** Whether a gate is configured at all. */
  public boolean configured() {
    return config.url().isPresent();
  }

  /** The gate's verdict on the image under the team's policy. */
  public GateAnswer admit(String team, String image) {
    URI base = config.url().orElseThrow();
    ObjectNode body = mapper.createObjectNode().put("image", image).put("team", team);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve("/api/v1/admissions"))
            .timeout(config.timeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    config.apiKey().ifPresent(key -> request.header("Authorization", "Bearer " + key));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return unknown("security-gate at " + base + " could not be reached: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unknown("interrupted while asking security-gate");
    }
    JsonNode json;
    try {
      json = mapper.readTree(response.body());
    } catch (IOException e) {
      json = null;
    }
    if (response.statusCode() != 200) {
      String detail =
          json != null && json.hasNonNull("detail")
              ? json.get("detail").asText()
              : json != null && json.hasNonNull("title") ? json.get("title").asText() : "";
      return unknown(
          "security-gate answered HTTP "
              + response.statusCode()
              + (detail.isBlank() ? "" : ": " + detail));
    }
    if (json == null || !json.hasNonNull("verdict")) {
      return unknown("security-gate answered without a verdict");
    }
    String verdict = json.get("verdict").asText().toUpperCase(Locale.ROOT);
    if (!List.of("PASS", "WARN", "FAIL").contains(verdict)) {
      return unknown("security-gate answered an unknown verdict '" + verdict + "'");
    }
    JsonNode findings = json.path("findings");
    if (!findings.isArray()) {
      findings = mapper.createArrayNode();
    }
    String digest = json.hasNonNull("digest") ? json.get("digest").asText() : null;
    boolean policyAllows = json.path("allowed").asBoolean(false) && "FAIL".equals(verdict);
    return new GateAnswer(verdict, digest, findings, summary(verdict, findings), policyAllows);
  }

  private GateAnswer unknown(String why) {
    return new GateAnswer("UNKNOWN", null, mapper.createArrayNode(), why, false);
  }

  /**
   * "FAIL: 3 findings: CVE-2024-1 (HIGH) in openssl 3.0.1; ...": the findings that fail the image
   * first, then those that warn, then the rest (security-gate also sends findings kept only to
   * explain a verdict, {@code outcome: INFO}), each group in the gate's order.
   */
  static String summary(String verdict, JsonNode findings) {
    List<JsonNode> ordered = new ArrayList<>();
    findings.forEach(ordered::add);
    ordered.sort(Comparator.comparingInt(SecurityGateClient::rank));
    List<String> parts = new ArrayList<>();
    for (JsonNode finding : ordered) {
      if (parts.size() == MAX_FINDINGS_IN_DETAIL) {
        break;
      }
      parts.add(describe(finding));
    }
    String text = verdict + ": " + findings.size() + " finding" + (findings.size() == 1 ? "" : "s");
    if (!parts.isEmpty()) {
      text += ": " + String.join("; ", parts);
    }
    if (findings.size() > MAX_FINDINGS_IN_DETAIL) {
      text += "; and " + (findings.size() - MAX_FINDINGS_IN_DETAIL) + " more";
    }
    return text;
  }

  private static int rank(JsonNode finding) {
    return switch (finding.path("outcome").asText("").toUpperCase(Locale.ROOT)) {
      case "FAIL" -> 0;
      case "WARN" -> 1;
      case "" -> 1; // a finding that does not say: neither ahead of a failure nor behind an INFO
      default -> 2;
    };
  }

  private static String describe(JsonNode finding) {
    String id = first(finding, "advisoryId", "id", "rule");
    String severity = first(finding, "severity");
    String message = first(finding, "message", "detail", "title");
    String pkg = first(finding, "subject", "package", "component");
    StringBuilder text = new StringBuilder(id == null ? "finding" : id);
    if (severity != null) {
      text.append(" (").append(severity).append(')');
    }
    if (pkg != null) {
      text.append(" in ").append(pkg);
    }
    if (message != null && !message.equals(id)) {
      text.append(": ").append(message);
    }
    return text.toString();
  }

  private static String first(JsonNode node, String... names) {
    for (String name : names) {
      JsonNode value = node.get(name);
      if (value == null || value.isNull()) {
        continue; // security-gate sends absent fields as null (advisoryId of a root finding)
      }
      if (value.isValueNode() && !value.asText().isBlank()) {
        return value.asText();
      }
      if (value instanceof ArrayNode || value.isObject()) {
        JsonNode inner = value.isObject() ? value.get("name") : null;
        if (inner != null && inner.isValueNode()) {
          return inner.asText();
        }
      }
    }
    return null;
  }
}
