package io.stevedore.securitygate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stevedore.securitygate.advisory.Severity;
import io.stevedore.securitygate.image.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a policy from YAML:
 *
 * <pre>
 * team: etl
 * version: 3
 * vulnerabilities:
 *   failAt: high              # critical | high | medium | low
 *   warnAt: medium            # optional
 *   onlyFixed: true           # a finding without a fix warns instead of failing
 *   unknownSeverityAs: medium # for advisories without a severity
 * allowList:
 *   - id: CVE-2023-5678
 *     expires: 2026-12-31     # a date (end of that day, UTC) or an instant
 *     justification: not reachable from our code
 * forbidRoot: true
 * secrets: {env: true, labels: true, files: true}
 * registries: [123456789012.dkr.ecr.eu-west-1.amazonaws.com/etl]
 * requiredLabels: [org.opencontainers.image.source]
 * signature: {publicKey: "-----BEGIN PUBLIC KEY-----..."}   # or {keyRef: release-key}
 * </pre>
 *
 * Every problem is collected with its field path before failing.
 */
public final class PolicyParser {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TOP =
      Set.of(
          "team",
          "version",
          "vulnerabilities",
          "allowList",
          "forbidRoot",
          "secrets",
          "registries",
          "requiredLabels",
          "signature");
  private static final Set<String> VULN =
      Set.of("failAt", "warnAt", "onlyFixed", "unknownSeverityAs");

  private PolicyParser() {}

  public static Policy parse(String yaml) {
    return parse(yaml, null);
  }

  /**
   * Reads a policy stored for {@code team}: the document may omit {@code team}, and when it names
   * one it must be this one. The team is part of the hash either way, so two teams' verdicts never
   * share a cache key.
   */
  public static Policy parse(String yaml, String team) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new PolicyException(List.of("not valid YAML: " + e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new PolicyException(List.of("the policy must be a YAML mapping"));
    }
    List<String> problems = new ArrayList<>();
    if (team != null) {
      String named = root.path("team").asText("");
      if (!named.isEmpty() && !named.equals(team)) {
        problems.add("team: '" + named + "' is not the caller's team '" + team + "'");
      }
      ((ObjectNode) root).put("team", team);
    }
    unknownFields(root, TOP, "", problems);
    String owner = root.path("team").asText("");
    if (owner.isBlank()) {
      problems.add("team: required");
    }
    int version = 0;
    if (root.has("version")) {
      if (root.get("version").canConvertToInt() && root.get("version").asInt() >= 0) {
        version = root.get("version").asInt();
      } else {
        problems.add(
            "version: '" + root.get("version").asText() + "' is not a non-negative integer");
      }
    }
    JsonNode v = root.path("vulnerabilities");
    unknownFields(v, VULN, "vulnerabilities.", problems);
    Severity failAt = severity(v, "failAt", Severity.HIGH, problems);
    Severity warnAt = v.has("warnAt") ? severity(v, "warnAt", null, problems) : null;
    boolean onlyFixed = bool(v, "onlyFixed", false, "vulnerabilities.", problems);
    Severity unknownAs = severity(v, "unknownSeverityAs", Severity.MEDIUM, problems);
    List<Policy.AllowListEntry> allow = new ArrayList<>();
    JsonNode list = root.path("allowList");
    if (!list.isMissingNode() && !list.isArray()) {
      problems.add("allowList: must be a list");
    }
    int i = 0;
    for (JsonNode e : list) {
      String at = "allowList[" + i++ + "].";
      String id = e.path("id").asText("");
      if (id.isBlank()) {
        problems.add(at + "id: required");
      }
      String justification = e.path("justification").asText("");
      if (justification.isBlank()) {
        problems.add(at + "justification: required");
      }
      Instant expires = null;
      String raw = e.path("expires").asText("");
      if (raw.isBlank()) {
        problems.add(at + "expires: required");
      } else {
        expires = instant(raw);
        if (expires == null) {
          problems.add(at + "expires: '" + raw + "' is neither a date (2026-12-31) nor an instant");
        }
      }
      allow.add(new Policy.AllowListEntry(id, expires, justification));
    }
    boolean forbidRoot = bool(root, "forbidRoot", true, "", problems);
    JsonNode s = root.path("secrets");
    unknownFields(s, Set.of("env", "labels", "files"), "secrets.", problems);
    Policy.SecretScan secrets =
        new Policy.SecretScan(
            bool(s, "env", true, "secrets.", problems),
            bool(s, "labels", true, "secrets.", problems),
            bool(s, "files", true, "secrets.", problems));
    List<String> registries = strings(root, "registries", problems);
    for (int r = 0; r < registries.size(); r++) {
      String reg = registries.get(r);
      if (reg.isBlank() || reg.contains("@") || reg.contains(" ")) {
        problems.add("registries[" + r + "]: '" + reg + "' is not a registry or repository prefix");
      }
    }
    List<String> labels = strings(root, "requiredLabels", problems);
    Policy.Signature signature = signature(root.path("signature"), problems);
    if (!problems.isEmpty()) {
      throw new PolicyException(problems);
    }
    return new Policy(
        owner,
        version,
        hash(root),
        failAt,
        warnAt,
        onlyFixed,
        unknownAs,
        allow,
        forbidRoot,
        secrets,
        registries,
        labels,
        signature);
  }

  private static Policy.Signature signature(JsonNode node, List<String> problems) {
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      problems.add("signature: must be a mapping with publicKey or keyRef");
      return null;
    }
    unknownFields(node, Set.of("publicKey", "keyRef"), "signature.", problems);
    String pem = node.path("publicKey").asText("").trim();
    String ref = node.path("keyRef").asText("").trim();
    if (pem.isEmpty() == ref.isEmpty()) {
      problems.add("signature: give exactly one of publicKey (PEM) or keyRef");
      return null;
    }
    if (!pem.isEmpty()) {
      try {
        SignatureVerifier.publicKey(pem);
      } catch (IllegalArgumentException e) {
        problems.add("signature.publicKey: " + e.getMessage());
      }
      return new Policy.Signature(pem, null);
    }
    if (!ref.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
      problems.add("signature.keyRef: '" + ref + "' is not a key name");
    }
    return new Policy.Signature(null, ref);
  }

  private static void unknownFields(
      JsonNode node, Set<String> known, String at, List<String> problems) {
    if (node.isObject()) {
      node.fieldNames()
          .forEachRemaining(
              f -> {
                if (!known.contains(f)) {
                  problems.add(at + f + ": unknown field");
                }
              });
    }
  }

  private static Severity severity(
      JsonNode node, String field, Severity dflt, List<String> problems) {
    if (!node.has(field)) {
      return dflt;
    }
    String raw = node.get(field).asText();
    Severity s = Severity.parse(raw).orElse(null);
    if (s == null || s == Severity.UNKNOWN || s == Severity.NONE) {
      problems.add(
          "vulnerabilities." + field + ": '" + raw + "' is not one of critical, high, medium, low");
      return dflt;
    }
    return s;
  }

  private static boolean bool(
      JsonNode node, String field, boolean dflt, String at, List<String> problems) {
    if (!node.has(field)) {
      return dflt;
    }
    JsonNode v = node.get(field);
    if (!v.isBoolean()) {
      problems.add(at + field + ": '" + v.asText() + "' is not true or false");
      return dflt;
    }
    return v.asBoolean();
  }

  private static List<String> strings(JsonNode root, String field, List<String> problems) {
    List<String> out = new ArrayList<>();
    JsonNode n = root.path(field);
    if (n.isMissingNode() || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      problems.add(field + ": must be a list");
      return out;
    }
    n.forEach(x -> out.add(x.asText().trim()));
    return out;
  }

  private static Instant instant(String raw) {
    try {
      return LocalDate.parse(raw).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(raw);
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  /** sha256 over the document with mapping keys sorted, so formatting and order do not matter. */
  private static String hash(JsonNode root) {
    try {
      return Digests.sha256(
          JSON.writeValueAsString(canonical(root)).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize policy", e);
    }
  }

  private static JsonNode canonical(JsonNode node) {
    if (node.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        sorted.put(f, canonical(node.get(f)));
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      sorted.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(n -> out.add(canonical(n)));
      return out;
    }
    return node;
  }
}
