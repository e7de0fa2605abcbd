package io.stevedore.validation.suite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.stevedore.common.spec.SpecProblem;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * Reads suites (data contracts) from YAML or JSON and reports every problem at once, each with its
 * path ({@code checks[3].column}), what is wrong and the offending value.
 *
 * <p>A suite reads:
 *
 * <pre>{@code
 * dataset: flights
 * format: parquet              # parquet | csv | json (JSON lines)
 * allowExtraColumns: true      # default false; only matters with a schema check
 * csv: {delimiter: ",", quote: "\"", header: true, nullString: ""}
 * checks:
 *   - type: schema
 *     columns: [{name: origin, type: VARCHAR, nullable: false}]
 *   - {type: completeness, column: origin, mostly: 0.99}
 *   - {type: unique, columns: [date, origin, destination], severity: warn}
 *   - {type: range, column: delay, min: -120, max: 1440}
 *   - {type: allowedValues, column: state, values: [CA, NY]}
 *   - {type: pattern, column: zip_code, regex: "^[0-9]{5}$"}
 *   - {type: length, column: city, min: 1, max: 64}
 *   - {type: rowCount, min: 1}
 *   - {type: freshness, column: date, maxAge: 36h}     # s, m, h, d or ISO-8601 (PT36H)
 *   - {type: referential, column: origin, dataset: airports, referencedColumn: iata}
 *   - {type: predicate, sql: "distance > 0"}
 *   - {type: aggregate, sql: "avg(delay)", min: -5, max: 30}
 *   - {type: anomaly, metric: "avg(delay)", window: 20, minResults: 5, maxZScore: 3}
 *   - {type: anomaly, metric: rowCount}   # severity warn unless given
 * corrections:
 *   - {type: trim, columns: [city]}
 *   - {type: cast, column: delay, to: BIGINT, default: 0}
 *   - {type: fillNull, column: state, value: "??"}
 *   - {type: dropInvalid, checks: ["range(delay)"]}
 * }</pre>
 *
 * Every check also takes {@code name} (default: the type and its columns, such as {@code
 * range(delay)}), {@code severity} ({@code warn} or {@code fail}, default fail) and {@code mostly}
 * (0 to 1, default 1). {@code columns} may replace {@code column} for unique and referential checks
 * (with {@code referencedColumns}).
 *
 * <p>Parsing alone checks the structure; {@link #parse(String, Catalog)} also checks the suite
 * against the known datasets and their columns, which is what {@link #validate(Suite, Catalog)}
 * does for a parsed suite.
 */
public final class SuiteParser {

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final java.util.regex.Pattern DATASET_NAME =
      java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");
  private static final java.util.regex.Pattern SHORT_DURATION =
      java.util.regex.Pattern.compile("([1-9][0-9]{0,6})([smhd])");

  private static final Set<String> COMMON = Set.of("type", "name", "severity", "mostly");
  private static final Map<String, Set<String>> FIELDS =
      Map.ofEntries(
          Map.entry("schema", Set.of("columns")),
          Map.entry("completeness", Set.of("column", "threshold")),
          Map.entry("unique", Set.of("column", "columns")),
          Map.entry("range", Set.of("column", "min", "max")),
          Map.entry("allowedValues", Set.of("column", "values")),
          Map.entry("pattern", Set.of("column", "regex")),
          Map.entry("length", Set.of("column", "min", "max")),
          Map.entry("rowCount", Set.of("min", "max")),
          Map.entry("freshness", Set.of("column", "maxAge")),
          Map.entry(
              "referential",
              Set.of("column", "columns", "dataset", "referencedColumn", "referencedColumns")),
          Map.entry("predicate", Set.of("sql")),
          Map.entry("aggregate", Set.of("sql", "min", "max")),
          Map.entry("anomaly", Set.of("metric", "window", "minResults", "maxZScore")));
  private static final Map<String, Set<String>> RULE_FIELDS =
      Map.of(
          "trim", Set.of("columns", "column"),
          "cast", Set.of("column", "to", "default"),
          "fillNull", Set.of("column", "value"),
          "dropInvalid", Set.of("checks"));

  private SuiteParser() {}

  /** Parses a suite and checks its structure. */
  public static SuiteParseResult parse(String text) {
    return parse(text, null);
  }

  /**
   * Parses a suite and checks it against the datasets of {@code catalog}: the columns it names
   * exist, the types match, referenced datasets and their columns exist.
   */
  public static SuiteParseResult parse(String text, Catalog catalog) {
    Problems problems = new Problems();
    JsonNode root;
    try {
      root = read(text);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      String where =
          loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      return invalidResult(
          List.of(new SpecProblem("", "the suite is not valid YAML or JSON" + where, null)));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return invalidResult(List.of(new SpecProblem("", "the suite is empty", null)));
    }
    if (!root.isObject()) {
      return invalidResult(
          List.of(new SpecProblem("", "the suite must be an object", compact(root))));
    }
    Reader reader = new Reader(problems);
    Suite suite = reader.suite(root);
    if (catalog != null) {
      // checks that parsed are checked against the datasets too, so every problem shows at once
      problems.list.addAll(
          validate(reader.dataset, reader.format, reader.indexed, reader.rules, catalog));
    }
    return problems.list.isEmpty()
        ? new SuiteParseResult(suite, List.of())
        : invalidResult(problems.list);
  }

  /**
   * Checks a parsed suite against actual datasets. The suite's own dataset's columns, when the
   * catalog knows them, bound every column the checks name; every referenced dataset must be in the
   * catalog.
   *
   * @return every problem, in check order; empty when the suite fits
   */
  public static List<SpecProblem> validate(Suite suite, Catalog catalog) {
    return validate(suite.dataset(), suite.format(), suite.checks(), suite.corrections(), catalog);
  }

  private static List<SpecProblem> validate(
      String dataset,
      DataFormat format,
      List<Check> checks,
      List<CorrectionRule> corrections,
      Catalog catalog) {
    Problems problems = new Problems();
    Map<String, String> columns =
        dataset == null ? Map.of() : catalog.columns(dataset).orElse(Map.of());
    boolean known = !columns.isEmpty();
    Map<String, String> upper = new HashMap<>();
    columns.forEach(
        (k, v) -> upper.put(k, SqlTypes.normalize(v).orElse(v.toUpperCase(Locale.ROOT))));
    for (int i = 0; i < checks.size(); i++) {
      String at = "checks[" + i + "]";
      Check check = checks.get(i);
      if (check == null) {
        continue;
      }
      if (known) {
        if (check instanceof Check.Schema s) {
          for (int j = 0; j < s.expected().size(); j++) {
            Check.ColumnSpec spec = s.expected().get(j);
            String cat = at + ".columns[" + j + "]";
            if (!columns.containsKey(spec.name())) {
              problems.add(cat + ".name", "unknown column '" + spec.name() + "'", spec.name());
            } else if (spec.type() != null
                && format != DataFormat.CSV
                && !spec.type().equals(upper.get(spec.name()))) {
              problems.add(
                  cat + ".type",
                  "column '" + spec.name() + "' has type " + upper.get(spec.name()),
                  spec.type());
            }
          }
        } else if (check instanceof Check.Unique || check instanceof Check.Referential) {
          unknownColumns(problems, at, check.columns(), columns);
        } else {
          for (String c : check.columns()) {
            if (!columns.containsKey(c)) {
              problems.add(at + ".column", "unknown column '" + c + "'", c);
            }
          }
        }
        if (check instanceof Check.Freshness f
            && columns.containsKey(f.column())
            && format != DataFormat.CSV
            && !SqlTypes.isTemporal(upper.get(f.column()))) {
          problems.add(
              at + ".column",
              "column '"
                  + f.column()
                  + "' has type "
                  + upper.get(f.column())
                  + ", not a date or timestamp",
              f.column());
        }
      }
      if (check instanceof Check.Referential r) {
        if (!catalog.knows(r.dataset())) {
          problems.add(at + ".dataset", "unknown dataset '" + r.dataset() + "'", r.dataset());
        } else {
          Map<String, String> refColumns = catalog.columns(r.dataset()).orElse(Map.of());
          if (!refColumns.isEmpty()) {
            for (int j = 0; j < r.referencedColumns().size(); j++) {
              String c = r.referencedColumns().get(j);
              if (!refColumns.containsKey(c)) {
                problems.add(
                    at
                        + (r.referencedColumns().size() == 1
                            ? ".referencedColumn"
                            : ".referencedColumns[" + j + "]"),
                    "unknown column '" + c + "' in dataset '" + r.dataset() + "'",
                    c);
              }
            }
          }
        }
      }
    }
    if (known) {
      for (int i = 0; i < corrections.size(); i++) {
        String at = "corrections[" + i + "]";
        CorrectionRule rule = corrections.get(i);
        if (rule == null) {
          continue;
        }
        List<String> named = List.of();
        if (rule instanceof CorrectionRule.Trim t) {
          named = t.columns();
        } else if (rule instanceof CorrectionRule.Cast c) {
          named = List.of(c.column());
        } else if (rule instanceof CorrectionRule.FillNull f) {
          named = List.of(f.column());
        }
        for (String c : named) {
          if (!columns.containsKey(c)) {
            problems.add(at + ".column", "unknown column '" + c + "'", c);
          }
        }
      }
    }
    return problems.list;
  }

  private static void unknownColumns(
      Problems problems, String at, List<String> named, Map<String, String> columns) {
    for (int j = 0; j < named.size(); j++) {
      String c = named.get(j);
      if (!columns.containsKey(c)) {
        problems.add(
            named.size() == 1 ? at + ".column" : at + ".columns[" + j + "]",
            "unknown column '" + c + "'",
            c);
      }
    }
  }

  private static JsonNode read(String text) throws JsonProcessingException {
    String trimmed = text == null ? "" : text.strip();
    if (trimmed.isEmpty()) {
      return null;
    }
    return trimmed.startsWith("{") ? JSON.readTree(trimmed) : YAML.readTree(trimmed);
  }

  private static SuiteParseResult invalidResult(List<SpecProblem> problems) {
    return new SuiteParseResult(null, problems);
  }

  static String compact(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    return node.isValueNode() ? node.asText() : node.toString();
  }

  /** Collects problems in the order found. */
  private static final class Problems {
    final List<SpecProblem> list = new ArrayList<>();

    void add(String path, String message, String value) {
      list.add(new SpecProblem(path, message, value));
    }

    void add(String path, String message, JsonNode value) {
      list.add(new SpecProblem(path, message, compact(value)));
    }
  }

  /** Walks the tree once, recording each problem and carrying on. */
  private static final class Reader {
    private final Problems problems;
    String dataset;
    DataFormat format = DataFormat.PARQUET;
    final List<Check> indexed = new ArrayList<>();
    final List<CorrectionRule> rules = new ArrayList<>();

    Reader(Problems problems) {
      this.problems = problems;
    }

    Suite suite(JsonNode root) {
      unknownFields(
          root,
          "",
          Set.of("dataset", "format", "allowExtraColumns", "csv", "checks", "corrections"));
      dataset = requiredText(root, "", "dataset");
      if (dataset != null && !DATASET_NAME.matcher(dataset).matches()) {
        problems.add(
            "dataset",
            "invalid dataset name: letters, digits, '_', '.' and '-', starting with a letter or '_'",
            dataset);
      }
      String f = optionalText(root, "", "format");
      if (f != null) {
        try {
          format = DataFormat.valueOf(f.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          problems.add("format", "must be one of parquet, csv, json", f);
        }
      }
      boolean allowExtra = optionalBoolean(root, "", "allowExtraColumns", false);
      Suite.CsvOptions csv = csv(root.get("csv"));
      List<Check> checks = new ArrayList<>();
      JsonNode list = root.get("checks");
      if (list == null || list.isNull()) {
        problems.add("checks", "required: a list of at least one check", (String) null);
      } else if (!list.isArray()) {
        problems.add("checks", "must be a list", list);
      } else if (list.isEmpty()) {
        problems.add("checks", "must list at least one check", "[]");
      } else {
        Map<String, Integer> derived = new HashMap<>();
        Set<String> explicit = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
          JsonNode n = list.get(i);
          if (n.hasNonNull("name") && n.get("name").isTextual()) {
            if (!explicit.add(n.get("name").asText())) {
              problems.add(
                  "checks[" + i + "].name",
                  "duplicate check name '" + n.get("name").asText() + "'",
                  n.get("name"));
            }
          }
        }
        for (int i = 0; i < list.size(); i++) {
          Check c = check(list.get(i), "checks[" + i + "]", derived, explicit);
          indexed.add(c);
          if (c != null) {
            checks.add(c);
          }
        }
      }
      rules.addAll(corrections(root.get("corrections"), checks));
      if (dataset == null || checks.isEmpty()) {
        return null;
      }
      return new Suite(dataset, format, allowExtra, csv, checks, rules);
    }

    private Suite.CsvOptions csv(JsonNode node) {
      if (node == null || node.isNull()) {
        return Suite.CsvOptions.DEFAULT;
      }
      if (!node.isObject()) {
        problems.add("csv", "must be an object", node);
        return Suite.CsvOptions.DEFAULT;
      }
      unknownFields(node, "csv", Set.of("delimiter", "quote", "header", "nullString"));
      String delimiter = optionalText(node, "csv", "delimiter");
      String quote = optionalText(node, "csv", "quote");
      if (delimiter != null && delimiter.length() != 1) {
        problems.add("csv.delimiter", "must be one character", delimiter);
      }
      if (quote != null && quote.length() != 1) {
        problems.add("csv.quote", "must be one character", quote);
      }
      String nullString = optionalText(node, "csv", "nullString");
      return new Suite.CsvOptions(
          delimiter == null ? "," : delimiter,
          quote == null ? "\"" : quote,
          optionalBoolean(node, "csv", "header", true),
          nullString == null ? "" : nullString);
    }

    private Check check(JsonNode n, String at, Map<String, Integer> derived, Set<String> explicit) {
      if (!n.isObject()) {
        problems.add(at, "must be an object", n);
        return null;
      }
      String type = requiredText(n, at, "type");
      if (type == null) {
        return null;
      }
      Set<String> fields = FIELDS.get(type);
      if (fields == null) {
        problems.add(
            at + ".type",
            "unknown check type; expected one of "
                + String.join(", ", new java.util.TreeSet<>(FIELDS.keySet())),
            type);
        return null;
      }
      Set<String> allowed = new HashSet<>(COMMON);
      allowed.addAll(fields);
      unknownFields(n, at, allowed);
      // an anomaly is a hint that something changed, not proof that the data is wrong
      Severity severity = type.equals("anomaly") ? Severity.WARN : Severity.FAIL;
      String s = optionalText(n, at, "severity");
      if (s != null) {
        if (s.equals("warn")) {
          severity = Severity.WARN;
        } else if (s.equals("fail")) {
          severity = Severity.FAIL;
        } else {
          problems.add(at + ".severity", "must be warn or fail", s);
        }
      }
      double mostly = share(n, at, "mostly", 1.0);
      if (type.equals("completeness") && n.has("threshold")) {
        if (n.has("mostly")) {
          problems.add(at + ".threshold", "give threshold or mostly, not both", n.get("threshold"));
        }
        mostly = share(n, at, "threshold", 1.0);
      }
      int before = problems.list.size();
      Check check =
          switch (type) {
            case "schema" -> new Check.Schema("", severity, mostly, columnSpecs(n, at));
            case "completeness" ->
                new Check.Completeness("", severity, mostly, column(n, at, "column"));
            case "unique" ->
                new Check.Unique("", severity, mostly, columns(n, at, "column", "columns"));
            case "range" -> {
              Object min = bound(n, at, "min");
              Object max = bound(n, at, "max");
              if (min == null && max == null) {
                problems.add(at, "a range needs min, max or both", (String) null);
              }
              if (min instanceof BigDecimal a
                  && max instanceof BigDecimal b
                  && a.compareTo(b) > 0) {
                problems.add(
                    at + ".min", "min is above max " + b.toPlainString(), a.toPlainString());
              }
              yield new Check.Range("", severity, mostly, column(n, at, "column"), min, max);
            }
            case "allowedValues" -> {
              List<Object> values = new ArrayList<>();
              JsonNode v = n.get("values");
              if (v == null || !v.isArray() || v.isEmpty()) {
                problems.add(at + ".values", "required: a non-empty list of values", v);
              } else {
                for (int i = 0; i < v.size(); i++) {
                  JsonNode e = v.get(i);
                  if (e.isNumber()) {
                    values.add(e.decimalValue());
                  } else if (e.isTextual() || e.isBoolean()) {
                    values.add(e.isBoolean() ? e.booleanValue() : e.asText());
                  } else {
                    problems.add(at + ".values[" + i + "]", "must be a text, number or boolean", e);
                  }
                }
              }
              yield new Check.AllowedValues("", severity, mostly, column(n, at, "column"), values);
            }
            case "pattern" -> {
              String regex = requiredText(n, at, "regex");
              if (regex != null) {
                String error = regexError(regex);
                if (error != null) {
                  problems.add(at + ".regex", "invalid regex: " + error, regex);
                }
              }
              yield new Check.Pattern("", severity, mostly, column(n, at, "column"), regex);
            }
            case "length" -> {
              Long min = wholeNumber(n, at, "min");
              Long max = wholeNumber(n, at, "max");
              if (min == null && max == null) {
                problems.add(at, "a length check needs min, max or both", (String) null);
              } else if (min != null && max != null && min > max) {
                problems.add(at + ".min", "min is above max " + max, String.valueOf(min));
              }
              yield new Check.Length(
                  "",
                  severity,
                  mostly,
                  column(n, at, "column"),
                  min == null ? null : min.intValue(),
                  max == null ? null : max.intValue());
            }
            case "rowCount" -> {
              Long min = wholeNumber(n, at, "min");
              Long max = wholeNumber(n, at, "max");
              if (min == null && max == null) {
                problems.add(at, "a row count check needs min, max or both", (String) null);
              } else if (min != null && max != null && min > max) {
                problems.add(at + ".min", "min is above max " + max, String.valueOf(min));
              }
              yield new Check.RowCount("", severity, mostly, min, max);
            }
            case "freshness" -> {
              Duration age = duration(n, at, "maxAge");
              yield new Check.Freshness("", severity, mostly, column(n, at, "column"), age);
            }
            case "referential" -> {
              List<String> cols = columns(n, at, "column", "columns");
              String dataset = requiredText(n, at, "dataset");
              List<String> refs =
                  n.has("referencedColumn") || n.has("referencedColumns")
                      ? columns(n, at, "referencedColumn", "referencedColumns")
                      : cols;
              if (cols.size() != refs.size() && !cols.isEmpty() && !refs.isEmpty()) {
                problems.add(
                    at + ".referencedColumns",
                    "names " + refs.size() + " columns for a key of " + cols.size(),
                    String.join(",", refs));
              }
              yield new Check.Referential("", severity, mostly, cols, dataset, refs);
            }
            case "predicate" -> new Check.Predicate("", severity, mostly, sql(n, at));
            case "aggregate" -> {
              String sql = sql(n, at);
              Object min = bound(n, at, "min");
              Object max = bound(n, at, "max");
              if (min == null && max == null) {
                problems.add(at, "an aggregate check needs min, max or both", (String) null);
              }
              for (String k : List.of("min", "max")) {
                if ((k.equals("min") ? min : max) instanceof String text) {
                  problems.add(at + "." + k, "must be a number", text);
                }
              }
              yield new Check.Aggregate(
                  "",
                  severity,
                  mostly,
                  sql,
                  min instanceof BigDecimal b ? b : null,
                  max instanceof BigDecimal b ? b : null);
            }
            case "anomaly" -> {
              String metric = requiredText(n, at, "metric");
              if (metric != null && !metric.equals(Check.Anomaly.ROW_COUNT)) {
                if (metric.isBlank()) {
                  problems.add(at + ".metric", "must be rowCount or a SQL aggregate", metric);
                } else if (metric.contains(";")) {
                  problems.add(at + ".metric", "must be one expression, without ';'", metric);
                }
              }
              Long window = wholeNumber(n, at, "window");
              Long minResults = wholeNumber(n, at, "minResults");
              if (window != null && (window < 2 || window > 1000)) {
                problems.add(at + ".window", "must be 2 to 1000", String.valueOf(window));
              }
              if (minResults != null && (minResults < 2 || minResults > 1000)) {
                problems.add(at + ".minResults", "must be 2 to 1000", String.valueOf(minResults));
              }
              Double maxZ = null;
              JsonNode z = n.get("maxZScore");
              if (z != null && !z.isNull()) {
                if (!z.isNumber() || z.doubleValue() <= 0) {
                  problems.add(at + ".maxZScore", "must be a positive number", z);
                } else {
                  maxZ = z.doubleValue();
                }
              }
              yield new Check.Anomaly(
                  "",
                  severity,
                  mostly,
                  metric,
                  window == null ? null : window.intValue(),
                  minResults == null ? null : minResults.intValue(),
                  maxZ);
            }
            default -> throw new IllegalStateException(type);
          };
      if (problems.list.size() > before) {
        return null;
      }
      String name = optionalText(n, at, "name");
      if (name != null && (name.isBlank() || name.length() > 200)) {
        problems.add(at + ".name", "must be 1 to 200 characters, not blank", name);
      }
      if (name == null) {
        String base;
        if (check instanceof Check.RowCount) {
          base = "rowCount";
        } else if (check instanceof Check.Predicate) {
          base = "predicate";
        } else if (check instanceof Check.Aggregate a) {
          base = "aggregate(" + a.sql() + ")";
        } else if (check instanceof Check.Anomaly a) {
          base = "anomaly(" + a.metric() + ")";
        } else if (check instanceof Check.Referential r) {
          base = "referential(" + String.join(",", r.columns()) + "->" + r.dataset() + ")";
        } else {
          base = type + "(" + String.join(",", check.columns()) + ")";
        }
        name = base;
        int k = derived.merge(base, 1, Integer::sum);
        while (explicit.contains(name) || k > 1 && name.equals(base)) {
          name = base + "#" + k;
          k++;
        }
        explicit.add(name);
      }
      return withName(check, name);
    }

    private List<CorrectionRule> corrections(JsonNode list, List<Check> checks) {
      List<CorrectionRule> rules = new ArrayList<>();
      if (list == null || list.isNull()) {
        return rules;
      }
      if (!list.isArray()) {
        problems.add("corrections", "must be a list", list);
        return rules;
      }
      for (int i = 0; i < list.size(); i++) {
        String at = "corrections[" + i + "]";
        JsonNode n = list.get(i);
        if (!n.isObject()) {
          problems.add(at, "must be an object", n);
          continue;
        }
        String type = requiredText(n, at, "type");
        if (type == null) {
          continue;
        }
        Set<String> fields = RULE_FIELDS.get(type);
        if (fields == null) {
          problems.add(
              at + ".type",
              "unknown rule type; expected one of cast, dropInvalid, fillNull, trim",
              type);
          continue;
        }
        Set<String> allowed = new HashSet<>(fields);
        allowed.add("type");
        unknownFields(n, at, allowed);
        switch (type) {
          case "trim" -> rules.add(new CorrectionRule.Trim(columns(n, at, "column", "columns")));
          case "cast" -> {
            String column = column(n, at, "column");
            String to = requiredText(n, at, "to");
            String canonical = null;
            if (to != null) {
              canonical = SqlTypes.normalize(to).orElse(null);
              if (canonical == null) {
                problems.add(at + ".to", "unknown type", to);
              }
            }
            rules.add(new CorrectionRule.Cast(column, canonical, scalar(n.get("default"))));
          }
          case "fillNull" -> {
            String column = column(n, at, "column");
            if (!n.has("value") || n.get("value").isNull()) {
              problems.add(at + ".value", "required: the value that replaces nulls", (String) null);
            }
            rules.add(new CorrectionRule.FillNull(column, scalar(n.get("value"))));
          }
          case "dropInvalid" -> {
            List<String> names = columns(n, at, "checks", "checks");
            for (int j = 0; j < names.size(); j++) {
              String name = names.get(j);
              var check = checks.stream().filter(c -> c.name().equals(name)).findFirst();
              if (check.isEmpty()) {
                problems.add(at + ".checks[" + j + "]", "unknown check '" + name + "'", name);
              } else if (!check.get().rowLevel()) {
                problems.add(
                    at + ".checks[" + j + "]",
                    "check '" + name + "' judges the whole dataset, not rows",
                    name);
              } else if (check.get() instanceof Check.Unique) {
                problems.add(
                    at + ".checks[" + j + "]",
                    "check '" + name + "' is a uniqueness check, which cannot drop rows yet",
                    name);
              }
            }
            rules.add(new CorrectionRule.DropInvalid(names));
          }
          default -> throw new IllegalStateException(type);
        }
      }
      return rules;
    }

    private List<Check.ColumnSpec> columnSpecs(JsonNode n, String at) {
      List<Check.ColumnSpec> specs = new ArrayList<>();
      JsonNode list = n.get("columns");
      if (list == null || !list.isArray() || list.isEmpty()) {
        problems.add(at + ".columns", "required: a non-empty list of columns", list);
        return specs;
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < list.size(); i++) {
        String cat = at + ".columns[" + i + "]";
        JsonNode c = list.get(i);
        if (c.isTextual()) {
          specs.add(new Check.ColumnSpec(c.asText(), null, true));
          continue;
        }
        if (!c.isObject()) {
          problems.add(cat, "must be a column name or an object", c);
          continue;
        }
        unknownFields(c, cat, Set.of("name", "type", "nullable"));
        String name = requiredText(c, cat, "name");
        if (name != null && !seen.add(name)) {
          problems.add(cat + ".name", "duplicate column '" + name + "'", name);
        }
        String type = optionalText(c, cat, "type");
        String canonical = null;
        if (type != null) {
          canonical = SqlTypes.normalize(type).orElse(null);
          if (canonical == null) {
            problems.add(cat + ".type", "unknown type", type);
          }
        }
        specs.add(new Check.ColumnSpec(name, canonical, optionalBoolean(c, cat, "nullable", true)));
      }
      return specs;
    }

    private String sql(JsonNode n, String at) {
      String sql = requiredText(n, at, "sql");
      if (sql != null) {
        if (sql.isBlank()) {
          problems.add(at + ".sql", "must not be blank", sql);
        } else if (sql.contains(";")) {
          problems.add(at + ".sql", "must be one expression, without ';'", sql);
        }
      }
      return sql;
    }

    private String column(JsonNode n, String at, String key) {
      String c = requiredText(n, at, key);
      if (c != null && c.isEmpty()) {
        problems.add(at + "." + key, "must not be empty", c);
      }
      return c;
    }

    /** One column under {@code single} or a non-empty list under {@code plural}. */
    private List<String> columns(JsonNode n, String at, String single, String plural) {
      JsonNode one = n.get(single);
      JsonNode many = n.get(plural);
      if (one != null && many != null && !single.equals(plural)) {
        problems.add(at + "." + plural, "give " + single + " or " + plural + ", not both", many);
        return List.of();
      }
      if (one != null && !single.equals(plural)) {
        String c = column(n, at, single);
        return c == null ? List.of() : List.of(c);
      }
      if (many == null || !many.isArray() || many.isEmpty()) {
        problems.add(
            at + "." + plural,
            single.equals(plural)
                ? "required: a non-empty list"
                : "required: " + single + " or a non-empty list " + plural,
            many);
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (int i = 0; i < many.size(); i++) {
        JsonNode c = many.get(i);
        if (!c.isTextual() || c.asText().isEmpty()) {
          problems.add(at + "." + plural + "[" + i + "]", "must be a non-empty text", c);
        } else if (out.contains(c.asText())) {
          problems.add(at + "." + plural + "[" + i + "]", "listed twice", c);
        } else {
          out.add(c.asText());
        }
      }
      return out;
    }

    private double share(JsonNode n, String at, String key, double fallback) {
      JsonNode v = n.get(key);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (!v.isNumber()) {
        problems.add(at + "." + key, "must be a number from 0 to 1", v);
        return fallback;
      }
      double d = v.doubleValue();
      if (d < 0 || d > 1) {
        problems.add(
            at + "." + key,
            key + " is the share of rows that must pass: from 0 to 1, got " + v.asText(),
            v);
      }
      return d;
    }

    private Object bound(JsonNode n, String at, String key) {
      JsonNode v = n.get(key);
      if (v == null || v.isNull()) {
        return null;
      }
      if (v.isNumber()) {
        return v.decimalValue();
      }
      if (v.isTextual()) {
        return v.asText();
      }
      problems.add(at + "." + key, "must be a number or an ISO date or timestamp", v);
      return null;
    }

    private Long wholeNumber(JsonNode n, String at, String key) {
      JsonNode v = n.get(key);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.isIntegralNumber() || v.longValue() < 0) {
        problems.add(at + "." + key, "must be a whole number, 0 or more", v);
        return null;
      }
      return v.longValue();
    }

    private Duration duration(JsonNode n, String at, String key) {
      String text = requiredText(n, at, key);
      if (text == null) {
        return null;
      }
      var m = SHORT_DURATION.matcher(text);
      if (m.matches()) {
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
      }
      try {
        Duration d = Duration.parse(text);
        if (!d.isNegative() && !d.isZero()) {
          return d;
        }
      } catch (DateTimeParseException e) {
        // reported below
      }
      problems.add(
          at + "." + key,
          "invalid duration: a positive number and s, m, h or d (36h), or ISO-8601 (PT36H)",
          text);
      return null;
    }

    private String requiredText(JsonNode n, String at, String key) {
      JsonNode v = n.get(key);
      String path = at.isEmpty() ? key : at + "." + key;
      if (v == null || v.isNull()) {
        problems.add(path, "required", (String) null);
        return null;
      }
      if (!v.isTextual()) {
        problems.add(path, "must be a text", v);
        return null;
      }
      return v.asText();
    }

    private String optionalText(JsonNode n, String at, String key) {
      JsonNode v = n.get(key);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.isTextual()) {
        problems.add(at.isEmpty() ? key : at + "." + key, "must be a text", v);
        return null;
      }
      return v.asText();
    }

    private boolean optionalBoolean(JsonNode n, String at, String key, boolean fallback) {
      JsonNode v = n.get(key);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (!v.isBoolean()) {
        problems.add(at.isEmpty() ? key : at + "." + key, "must be true or false", v);
        return fallback;
      }
      return v.booleanValue();
    }

    private void unknownFields(JsonNode n, String at, Set<String> allowed) {
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!allowed.contains(f)) {
          problems.add(at.isEmpty() ? f : at + "." + f, "unknown field", n.get(f));
        }
      }
    }
  }

  private static Object scalar(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isNumber()) {
      return v.decimalValue();
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    return v.asText();
  }

  /**
   * Why a regex cannot run, or null. DuckDB matches with RE2, which has no look-around and no
   * back-references; Java's parser catches the rest.
   */
  static String regexError(String regex) {
    try {
      java.util.regex.Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      return e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "");
    }
    for (String construct : List.of("(?=", "(?!", "(?<=", "(?<!", "(?>")) {
      if (regex.contains(construct)) {
        return "look-around and atomic groups " + construct + " are not supported (RE2)";
      }
    }
    if (regex.matches(".*(?<!\\\\)\\\\[1-9].*")) {
      return "back-references are not supported (RE2)";
    }
    return null;
  }

  private static Check withName(Check c, String name) {
    if (c instanceof Check.Schema s) {
      return new Check.Schema(name, s.severity(), s.mostly(), s.expected());
    } else if (c instanceof Check.Completeness s) {
      return new Check.Completeness(name, s.severity(), s.mostly(), s.column());
    } else if (c instanceof Check.Unique s) {
      return new Check.Unique(name, s.severity(), s.mostly(), s.columns());
    } else if (c instanceof Check.Range s) {
      return new Check.Range(name, s.severity(), s.mostly(), s.column(), s.min(), s.max());
    } else if (c instanceof Check.AllowedValues s) {
      return new Check.AllowedValues(name, s.severity(), s.mostly(), s.column(), s.values());
    } else if (c instanceof Check.Pattern s) {
      return new Check.Pattern(name, s.severity(), s.mostly(), s.column(), s.regex());
    } else if (c instanceof Check.Length s) {
      return new Check.Length(name, s.severity(), s.mostly(), s.column(), s.min(), s.max());
    } else if (c instanceof Check.RowCount s) {
      return new Check.RowCount(name, s.severity(), s.mostly(), s.min(), s.max());
    } else if (c instanceof Check.Freshness s) {
      return new Check.Freshness(name, s.severity(), s.mostly(), s.column(), s.maxAge());
    } else if (c instanceof Check.Referential s) {
      return new Check.Referential(
          name, s.severity(), s.mostly(), s.columns(), s.dataset(), s.referencedColumns());
    } else if (c instanceof Check.Predicate s) {
      return new Check.Predicate(name, s.severity(), s.mostly(), s.sql());
    } else if (c instanceof Check.Aggregate s) {
      return new Check.Aggregate(name, s.severity(), s.mostly(), s.sql(), s.min(), s.max());
    } else if (c instanceof Check.Anomaly s) {
      return new Check.Anomaly(
          name, s.severity(), s.mostly(), s.metric(), s.window(), s.minResults(), s.maxZScore());
    }
    throw new IllegalStateException("unknown check " + c);
  }
}
