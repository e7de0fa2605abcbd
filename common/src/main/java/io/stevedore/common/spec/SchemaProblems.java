package io.stevedore.common.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns the JSON Schema validator's messages into {@link SpecProblem}s: paths without the {@code
 * $.} prefix, the missing or unknown field's own path for {@code required} and {@code
 * additionalProperties}, and messages in plain words. Conditions of the schema's {@code if/then}
 * branches are spelled out, as in {@code required when type is 'validate'}.
 */
final class SchemaProblems {

  /**
   * Messages for the schema's patterns, keyed by the pattern; {@code {value}} is replaced by the
   * value, {@code {field}} by the field's name, {@code {when}} by the condition of the {@code
   * if/then} branch the pattern sits in.
   */
  private static final Map<String, String> PATTERN_MESSAGES =
      Map.of(
          "^[a-z0-9-]{1,63}$",
          "invalid {field} '{value}'; use 1 to 63 lowercase letters, digits or '-'",
          SpecDuration.PATTERN.pattern(),
          "invalid duration '{value}'; expected a whole number and s, m or h, e.g. 10s, 30m, 2h",
          "^s3://",
          "must start with s3://{when}, got '{value}'",
          "^https?://",
          "must start with http:// or https://{when}, got '{value}'",
          "^[A-Za-z_][A-Za-z0-9_]*$",
          "invalid name '{value}'; use letters, digits and '_', not starting with a digit",
          "^[^\\s{}]+$",
          "invalid image '{value}'; an image reference has no spaces and no {{ templates }}");

  private final JsonNode schemaRoot;

  SchemaProblems(JsonNode schemaRoot) {
    this.schemaRoot = schemaRoot;
  }

  SpecProblem convert(ValidationMessage m) {
    String path = instancePath(m.getInstanceLocation());
    JsonNode node = m.getInstanceNode();
    String when = condition(m);
    return switch (m.getType()) {
      case "required" -> {
        String missing = SpecPath.field(path, m.getProperty());
        yield new SpecProblem(
            missing, when.isEmpty() ? "required field is missing" : "required" + when, null);
      }
      case "additionalProperties" -> {
        String unknown = SpecPath.field(path, m.getProperty());
        yield new SpecProblem(
            unknown,
            "unknown field; allowed fields: " + allowedFields(m),
            text(node == null ? null : node.get(m.getProperty())));
      }
      case "propertyNames" -> {
        String name = m.getProperty();
        yield new SpecProblem(
            SpecPath.field(path, name),
            patternMessage(m.getSchemaNode(), name, "", ""),
            text(node == null ? null : node.get(name)));
      }
      case "false" -> new SpecProblem(path, "not allowed" + when, text(node));
      case "type" ->
          new SpecProblem(
              path,
              "must be " + expectedTypes(m.getSchemaNode()) + ", got " + describe(node),
              text(node));
      case "enum" -> new SpecProblem(path, enumMessage(m.getSchemaNode(), node, when), text(node));
      case "pattern" ->
          new SpecProblem(
              path,
              patternMessage(m.getSchemaNode(), text(node), lastName(path), when),
              text(node));
      case "minimum" ->
          new SpecProblem(
              path,
              "must be at least " + m.getSchemaNode().asText() + ", got " + text(node),
              text(node));
      case "maximum" ->
          new SpecProblem(
              path,
              "must be at most " + m.getSchemaNode().asText() + ", got " + text(node),
              text(node));
      case "minItems", "minLength" -> new SpecProblem(path, "must not be empty" + when, text(node));
      case "uniqueItems" ->
          new SpecProblem(path, "lists " + duplicates(node) + " more than once", text(node));
      default -> new SpecProblem(path, withoutLocation(m), text(node));
    };
  }

  /** The path of the instance, e.g. {@code stages[3].dependsOn[0]}, without the {@code $}. */
  static String instancePath(JsonNodePath location) {
    List<Object> elements = new ArrayList<>();
    for (int i = 0; i < location.getNameCount(); i++) {
      elements.add(location.getElement(i));
    }
    return SpecPath.of(elements);
  }

  /**
   * The condition under which the failing keyword applies, from the {@code if} next to the {@code
   * then} or {@code else} branch it sits in: {@code " when type is 'validate'"} or {@code " unless
   * mode is 'merge'"}; empty when the keyword applies unconditionally.
   */
  private String condition(ValidationMessage m) {
    JsonNodePath fragment = m.getSchemaLocation().getFragment();
    for (int i = fragment.getNameCount() - 1; i >= 2; i--) {
      String branch = fragment.getName(i);
      if ((branch.equals("then") || branch.equals("else"))
          && "allOf".equals(fragment.getName(i - 2))) {
        JsonNode ifNode = schemaAt(fragment, i).get("if");
        if (ifNode == null || !ifNode.path("properties").isObject()) {
          return "";
        }
        for (Map.Entry<String, JsonNode> field : ifNode.get("properties").properties()) {
          JsonNode constant = field.getValue().get("const");
          if (constant != null) {
            return (branch.equals("then") ? " when " : " unless ")
                + field.getKey()
                + " is '"
                + constant.asText()
                + "'";
          }
        }
        return "";
      }
    }
    return "";
  }

  /** The schema node at the first {@code count} elements of a schema location's fragment. */
  private JsonNode schemaAt(JsonNodePath fragment, int count) {
    JsonNode node = schemaRoot;
    for (int i = 0; i < count && node != null; i++) {
      Object element = fragment.getElement(i);
      node = element instanceof Integer index ? node.get(index) : node.get(element.toString());
    }
    return node == null ? MissingNode.getInstance() : node;
  }

  private String allowedFields(ValidationMessage m) {
    JsonNodePath fragment = m.getSchemaLocation().getFragment();
    JsonNode owner = schemaAt(fragment, fragment.getNameCount() - 1);
    List<String> names = new ArrayList<>();
    owner.path("properties").fieldNames().forEachRemaining(names::add);
    return String.join(", ", names);
  }

  private static String enumMessage(JsonNode allowed, JsonNode node, String when) {
    List<String> values = new ArrayList<>();
    allowed.forEach(v -> values.add(v.asText()));
    String expected = "expected one of " + String.join(", ", values);
    if (node == null || node.isContainerNode()) {
      return "must be one of " + String.join(", ", values) + when + ", got " + describe(node);
    }
    if (!when.isEmpty()) {
      return "'" + node.asText() + "' is not allowed" + when + "; " + expected;
    }
    return "unknown value '" + node.asText() + "'; " + expected;
  }

  /**
   * The message for a failed pattern. The schema node is the pattern itself, or for {@code
   * propertyNames} a schema (possibly a {@code $ref}) holding one.
   */
  private String patternMessage(JsonNode schemaNode, String value, String field, String when) {
    JsonNode node = schemaNode;
    if (node.isObject() && node.has("$ref")) {
      String ref = node.get("$ref").asText();
      node = ref.startsWith("#") ? schemaRoot.at(ref.substring(1)) : node;
    }
    JsonNode pattern = node.isObject() ? node.path("pattern") : node;
    return PATTERN_MESSAGES
        .getOrDefault(pattern.asText(), "'{value}' does not have the expected form{when}")
        .replace("{when}", when)
        .replace("{field}", field)
        .replace("{value}", value);
  }

  private static String lastName(String path) {
    List<Object> elements = SpecPath.elements(path);
    for (int i = elements.size() - 1; i >= 0; i--) {
      if (elements.get(i) instanceof String name) {
        return name;
      }
    }
    return "value";
  }

  private static String expectedTypes(JsonNode types) {
    List<String> names = new ArrayList<>();
    if (types.isArray()) {
      types.forEach(t -> names.add(typeName(t.asText())));
    } else {
      names.add(typeName(types.asText()));
    }
    String first = names.get(0);
    String article = first.matches("^[aeiou].*") ? "an " : "a ";
    if (names.size() == 1) {
      return article + first;
    }
    return article
        + String.join(", ", names.subList(0, names.size() - 1))
        + " or "
        + names.get(names.size() - 1);
  }

  private static String typeName(String schemaType) {
    return schemaType.equals("array") ? "list" : schemaType;
  }

  /** How a value is named in a message: scalars as written, lists and objects by their kind. */
  static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    if (node.isNull()) {
      return "an empty value";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isTextual()) {
      return "'" + node.asText() + "'";
    }
    return node.asText();
  }

  /** A value as text: scalars as written, lists and objects as compact JSON. */
  static String text(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return null;
    }
    return node.isContainerNode() ? node.toString() : node.asText();
  }

  private static String duplicates(JsonNode array) {
    Set<JsonNode> seen = new HashSet<>();
    Set<String> repeated = new LinkedHashSet<>();
    if (array != null) {
      array.forEach(
          item -> {
            if (!seen.add(item)) {
              repeated.add("'" + text(item) + "'");
            }
          });
    }
    return repeated.stream().collect(Collectors.joining(", "));
  }

  private static String withoutLocation(ValidationMessage m) {
    String message = m.getMessage();
    String prefix = m.getInstanceLocation().toString() + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }
}
