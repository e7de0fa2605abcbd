package io.stevedore.common.spec;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rules the schema cannot express, checked on the parsed tree. Each check looks only at values
 * of the right shape and leaves wrong shapes to the schema, so no problem is reported twice and
 * every check runs even when the structure has problems elsewhere:
 *
 * <ul>
 *   <li>stage ids are unique; every {@code dependsOn} entry names another, existing stage; the
 *       stages form no cycle
 *   <li>the cron is a valid 5-field Unix expression and the time zone exists
 *   <li>CPU and memory are a valid Fargate pair
 *   <li>{@code {{ templates }}} are closed and name known variables
 *   <li>the explicit column types of a source ({@code source.columns}) are SQL types the worker
 *       knows
 * </ul>
 */
final class SemanticChecks {

  /** Parses the standard 5-field Unix cron (minute hour day-of-month month day-of-week). */
  static final CronParser CRON_PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private static final List<String> CRON_FIELDS =
      List.of("minute", "hour", "day-of-month", "month", "day-of-week");

  /** Variables every template may use, besides {@code params.<declared parameter>}. */
  static final List<String> VARIABLES =
      List.of("logical_date", "logical_date_nodash", "run_id", "pipeline", "team", "stage_id");

  private static final Pattern EXPRESSION =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

  private final JsonNode root;
  private final List<SpecProblem> problems = new ArrayList<>();

  private SemanticChecks(JsonNode root) {
    this.root = root;
  }

  static List<SpecProblem> check(JsonNode root) {
    SemanticChecks checks = new SemanticChecks(root);
    checks.checkStageGraph();
    checks.checkSchedule();
    checks.checkResources();
    checks.checkTemplates();
    checks.checkColumnTypes();
    return checks.problems;
  }

  // ---- stage graph ----

  private void checkStageGraph() {
    JsonNode stages = root.path("stages");
    if (!stages.isArray()) {
      return;
    }
    Map<String, Integer> indexById = new LinkedHashMap<>();
    for (int i = 0; i < stages.size(); i++) {
      JsonNode id = stages.get(i).path("id");
      if (id.isTextual()) {
        Integer first = indexById.putIfAbsent(id.asText(), i);
        if (first != null) {
          problems.add(
              new SpecProblem(
                  "stages[" + i + "].id",
                  "duplicate stage id '" + id.asText() + "', already used by stages[" + first + "]",
                  id.asText()));
        }
      }
    }
    // edges from a stage to the stages it depends on, for the first stage of each id
    Map<Integer, List<Integer>> dependencies = new LinkedHashMap<>();
    for (int i = 0; i < stages.size(); i++) {
      JsonNode stage = stages.get(i);
      JsonNode dependsOn = stage.path("dependsOn");
      int inputs = dependsOn.isArray() ? dependsOn.size() : 0;
      if ("validate".equals(stage.path("type").asText()) && inputs != 1) {
        problems.add(
            new SpecProblem(
                "stages[" + i + "].dependsOn",
                "a validate stage checks the output of exactly one stage; it depends on " + inputs,
                dependsOn.isArray() ? dependsOn.toString() : null));
      }
      if (!dependsOn.isArray()) {
        continue;
      }
      JsonNode ownId = stage.path("id");
      List<Integer> edges = new ArrayList<>();
      for (int k = 0; k < dependsOn.size(); k++) {
        JsonNode dep = dependsOn.get(k);
        if (!dep.isTextual()) {
          continue;
        }
        String path = "stages[" + i + "].dependsOn[" + k + "]";
        String name = dep.asText();
        if (ownId.isTextual() && ownId.asText().equals(name)) {
          problems.add(new SpecProblem(path, "stage '" + name + "' depends on itself", name));
        } else if (!indexById.containsKey(name)) {
          problems.add(new SpecProblem(path, "unknown stage '" + name + "'", name));
        } else {
          edges.add(indexById.get(name));
        }
      }
      if (ownId.isTextual() && indexById.get(ownId.asText()) == i) {
        dependencies.put(i, edges);
      }
    }
    for (List<Integer> cycle : cycles(dependencies)) {
      String members =
          cycle.stream()
              .map(i -> stages.get(i).path("id").asText())
              .collect(Collectors.joining(" -> "));
      problems.add(new SpecProblem("stages", "dependency cycle " + members, members));
    }
  }

  /**
   * One cycle per strongly connected component of more than one stage (Tarjan), each starting and
   * ending at the component's first stage, following {@code dependsOn} (each arrow points to a
   * stage the one before it depends on), shortest first.
   */
  private static List<List<Integer>> cycles(Map<Integer, List<Integer>> graph) {
    Tarjan tarjan = new Tarjan(graph);
    graph.keySet().forEach(tarjan::visit);
    List<List<Integer>> cycles = new ArrayList<>();
    tarjan.components.stream()
        .filter(c -> c.size() > 1)
        .sorted((a, b) -> Integer.compare(a.first(), b.first()))
        .forEach(component -> cycles.add(shortestCycle(graph, component)));
    return cycles;
  }

  private static List<Integer> shortestCycle(
      Map<Integer, List<Integer>> graph, TreeSet<Integer> component) {
    int start = component.first();
    Map<Integer, Integer> previous = new HashMap<>();
    Deque<Integer> queue = new ArrayDeque<>(List.of(start));
    while (!queue.isEmpty()) {
      int node = queue.removeFirst();
      for (int next : graph.getOrDefault(node, List.of())) {
        if (!component.contains(next)) {
          continue;
        }
        if (next == start) {
          List<Integer> cycle = new ArrayList<>();
          for (Integer n = node; n != null; n = previous.get(n)) {
            cycle.add(0, n);
          }
          cycle.add(start);
          return cycle;
        }
        if (!previous.containsKey(next) && next != start) {
          previous.put(next, node);
          queue.addLast(next);
        }
      }
    }
    throw new IllegalStateException("a strongly connected component without a cycle");
  }

  /** Tarjan's strongly connected components. */
  private static final class Tarjan {
    private final Map<Integer, List<Integer>> graph;
    private final Map<Integer, Integer> index = new HashMap<>();
    private final Map<Integer, Integer> lowLink = new HashMap<>();
    private final Deque<Integer> stack = new ArrayDeque<>();
    private final Set<Integer> onStack = new HashSet<>();
    private final List<TreeSet<Integer>> components = new ArrayList<>();

    Tarjan(Map<Integer, List<Integer>> graph) {
      this.graph = graph;
    }

    void visit(int node) {
      if (index.containsKey(node)) {
        return;
      }
      int n = index.size();
      index.put(node, n);
      lowLink.put(node, n);
      stack.push(node);
      onStack.add(node);
      for (int next : graph.getOrDefault(node, List.of())) {
        if (!index.containsKey(next)) {
          visit(next);
          lowLink.put(node, Math.min(lowLink.get(node), lowLink.get(next)));
        } else if (onStack.contains(next)) {
          lowLink.put(node, Math.min(lowLink.get(node), index.get(next)));
        }
      }
      if (lowLink.get(node).equals(index.get(node))) {
        TreeSet<Integer> component = new TreeSet<>();
        int member;
        do {
          member = stack.pop();
          onStack.remove(member);
          component.add(member);
        } while (member != node);
        components.add(component);
      }
    }
  }

  // ---- schedule ----

  private void checkSchedule() {
    JsonNode schedule = root.path("schedule");
    JsonNode cron = schedule.path("cron");
    if (cron.isTextual()) {
      String problem = cronProblem(cron.asText());
      if (problem != null) {
        problems.add(
            new SpecProblem(
                "schedule.cron",
                "invalid cron expression '" + cron.asText() + "': " + problem,
                cron.asText()));
      }
    }
    JsonNode timezone = schedule.path("timezone");
    if (timezone.isTextual()) {
      try {
        ZoneId.of(timezone.asText());
      } catch (DateTimeException e) {
        problems.add(
            new SpecProblem(
                "schedule.timezone",
                "unknown time zone '" + timezone.asText() + "'",
                timezone.asText()));
      }
    }
  }

  /** What is wrong with a cron expression, or {@code null} when it is valid. */
  private static String cronProblem(String expression) {
    String trimmed = expression.trim();
    String[] fields = trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
    if (fields.length != CRON_FIELDS.size()) {
      return "expected 5 fields (" + String.join(" ", CRON_FIELDS) + "), got " + fields.length;
    }
    if (parseError(trimmed) == null) {
      return null;
    }
    // name the first field that fails on its own
    for (int i = 0; i < fields.length; i++) {
      String[] probe = {"*", "*", "*", "*", "*"};
      probe[i] = fields[i];
      String error = parseError(String.join(" ", probe));
      if (error != null) {
        return CRON_FIELDS.get(i) + " field '" + fields[i] + "': " + error;
      }
    }
    return parseError(trimmed);
  }

  private static String parseError(String expression) {
    try {
      CRON_PARSER.parse(expression).validate();
      return null;
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      message = message.replaceFirst("^Failed to parse cron expression\\.\\s*", "");
      message = message.replaceFirst("^Invalid chars in expression! Expression: \\S* ", "");
      return message.isEmpty()
          ? "invalid expression"
          : Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }
  }

  // ---- resources ----

  private void checkResources() {
    forEachStage(
        (path, stage) -> {
          JsonNode cpu = stage.path("resources").path("cpu");
          JsonNode memory = stage.path("resources").path("memory");
          if (!cpu.canConvertToInt() || !cpu.isIntegralNumber() || !memory.isIntegralNumber()) {
            return;
          }
          List<Integer> valid = PipelineSpec.Resources.validMemory(cpu.asInt());
          if (valid.isEmpty() || (memory.canConvertToInt() && valid.contains(memory.asInt()))) {
            return;
          }
          problems.add(
              new SpecProblem(
                  path + ".resources.memory",
                  "memory "
                      + memory.asText()
                      + " is not valid with cpu "
                      + cpu.asInt()
                      + "; valid memory for cpu "
                      + cpu.asInt()
                      + ": "
                      + describeMemory(valid),
                  memory.asText()));
        });
  }

  private static String describeMemory(List<Integer> valid) {
    if (valid.size() <= 4) {
      return valid.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
    int step = valid.get(1) - valid.get(0);
    return valid.get(0) + " to " + valid.get(valid.size() - 1) + " in steps of " + step;
  }

  // ---- templates ----

  private void checkTemplates() {
    Set<String> parameters = new TreeSet<>();
    root.path("parameters").fieldNames().forEachRemaining(parameters::add);
    forEachStage(
        (path, stage) -> {
          checkTemplate(path + ".source.uri", stage.path("source").path("uri"), parameters);
          checkTemplate(path + ".source.query", stage.path("source").path("query"), parameters);
          checkTemplate(path + ".sql", stage.path("sql"), parameters);
          checkTemplate(path + ".target.uri", stage.path("target").path("uri"), parameters);
          checkTemplate(path + ".target.table", stage.path("target").path("table"), parameters);
          JsonNode command = stage.path("command");
          for (int k = 0; command.isArray() && k < command.size(); k++) {
            checkTemplate(path + ".command[" + k + "]", command.get(k), parameters);
          }
          JsonNode env = stage.path("env");
          if (env.isObject()) {
            for (Map.Entry<String, JsonNode> e : env.properties()) {
              checkTemplate(SpecPath.field(path + ".env", e.getKey()), e.getValue(), parameters);
            }
          }
        });
  }

  private void checkTemplate(String path, JsonNode value, Set<String> parameters) {
    if (!value.isTextual()) {
      return;
    }
    String text = value.asText();
    int from = 0;
    while (true) {
      int open = text.indexOf("{{", from);
      if (open < 0) {
        return;
      }
      int close = text.indexOf("}}", open + 2);
      if (close < 0) {
        String rest = text.substring(open);
        String excerpt = rest.length() > 40 ? rest.substring(0, 40) + "..." : rest;
        problems.add(
            new SpecProblem(
                path, "unterminated '{{' in '" + excerpt.replace("\n", " ") + "'", text));
        return;
      }
      String expression = text.substring(open, close + 2);
      String name = text.substring(open + 2, close).trim();
      String problem = templateProblem(name, expression, parameters);
      if (problem != null) {
        problems.add(new SpecProblem(path, problem, text));
      }
      from = close + 2;
    }
  }

  private static String templateProblem(String name, String expression, Set<String> parameters) {
    if (!EXPRESSION.matcher(name).matches()) {
      return "invalid template '" + expression + "'; expected {{ variable }}";
    }
    if (name.startsWith("params.")) {
      String parameter = name.substring("params.".length());
      if (parameters.contains(parameter)) {
        return null;
      }
      return "unknown parameter '"
          + parameter
          + "' in '"
          + expression
          + "'; "
          + (parameters.isEmpty()
              ? "no parameters are declared"
              : "declared parameters: " + String.join(", ", parameters));
    }
    if (VARIABLES.contains(name)) {
      return null;
    }
    return "unknown variable '"
        + name
        + "' in '"
        + expression
        + "'; known variables: "
        + String.join(", ", VARIABLES)
        + ", params.<name>";
  }

  // ---- column types ----

  /** The SQL types a source's {@code columns} may name (DuckDB's names, case-insensitive). */
  static final Pattern COLUMN_TYPE =
      Pattern.compile(
          "(?i)(varchar|text|string|bigint|integer|int|smallint|tinyint|hugeint|ubigint|uinteger"
              + "|double|float|real|boolean|bool|date|time|timestamp|timestamptz"
              + "|timestamp with time zone|uuid|blob|(decimal|numeric)(\\(\\d{1,2}\\s*,\\s*\\d{1,2}\\))?)");

  private void checkColumnTypes() {
    forEachStage(
        (path, stage) -> {
          JsonNode columns = stage.path("source").path("columns");
          if (!columns.isObject()) {
            return;
          }
          for (Map.Entry<String, JsonNode> e : columns.properties()) {
            JsonNode type = e.getValue();
            if (type.isTextual() && !COLUMN_TYPE.matcher(type.asText().trim()).matches()) {
              problems.add(
                  new SpecProblem(
                      SpecPath.field(path + ".source.columns", e.getKey()),
                      "unknown column type '"
                          + type.asText()
                          + "' for column '"
                          + e.getKey()
                          + "'; use varchar, bigint, integer, double, boolean, date, timestamp,"
                          + " decimal(p,s) or another DuckDB type name",
                      type.asText()));
            }
          }
        });
  }

  // ---- helpers ----

  private interface StageCheck {
    void check(String path, JsonNode stage);
  }

  private void forEachStage(StageCheck check) {
    JsonNode stages = root.path("stages");
    if (!stages.isArray()) {
      return;
    }
    for (int i = 0; i < stages.size(); i++) {
      if (stages.get(i).isObject()) {
        check.check("stages[" + i + "]", stages.get(i));
      }
    }
  }
}
