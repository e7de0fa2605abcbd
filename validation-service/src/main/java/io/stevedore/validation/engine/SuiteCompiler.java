package io.stevedore.validation.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.validation.suite.Check;
import io.stevedore.validation.suite.SqlTypes;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a suite into as few queries as possible over one registered dataset.
 *
 * <ol>
 *   <li><b>The aggregate query</b> (one scan of the dataset): the row count, one {@code count(*)
 *       FILTER (WHERE (cond) IS NOT TRUE)} per row-level check, the minimum and maximum a range or
 *       length check reports, the newest value for freshness and each custom aggregate. Referential
 *       checks join, in the same query, the distinct keys of the referenced dataset (one scan of
 *       that dataset, not of this one).
 *   <li><b>The uniqueness query</b> (one scan, only when the suite has uniqueness checks): one
 *       {@code GROUP BY GROUPING SETS} holding the key of every uniqueness check, so all keys are
 *       counted in the same pass. It is sent in one statement with the aggregate query ({@link
 *       #together}), so DuckDB runs both scans side by side.
 *   <li><b>The sample query</b> (one more scan, only when a row-level check failed): one {@code
 *       min_by(row, hash(row), n) FILTER (WHERE NOT cond)} per failed check, a bounded,
 *       deterministic pseudo-random sample of at most n rows each, over the rows that fail at least
 *       one of those checks (so the row and its hash are built for failing rows only). When a
 *       uniqueness check failed, the uniqueness query again, for the failed checks only and with
 *       their most repeated keys as samples, in the same statement (one more scan).
 * </ol>
 *
 * Identifiers are quoted by {@link Sql#id}; values are bind parameters, except regular expressions,
 * which are quoted literals (DuckDB compiles a constant pattern once).
 */
final class SuiteCompiler {

  private final DuckSession.Registered data;
  private final Map<String, DuckSession.Registered> references;

  SuiteCompiler(DuckSession.Registered data, Map<String, DuckSession.Registered> references) {
    this.data = data;
    this.references = references;
  }

  /** The SQL of a query and its bind values, in order. */
  record Query(String sql, List<Object> binds) {}

  /**
   * Why a check cannot run over this dataset (unknown columns or datasets, SQL that does not parse,
   * bind or is not allowed), or null when it can.
   */
  String problem(Check check, DuckSession session) throws SQLException {
    if (check instanceof Check.Schema) {
      return null; // missing columns are what a schema check reports
    }
    for (String c : check.columns()) {
      if (!data.columns().containsKey(c)) {
        return "unknown column '" + c + "' in dataset '" + data.name() + "'";
      }
    }
    if (check instanceof Check.Referential r) {
      DuckSession.Registered ref = references.get(r.dataset());
      if (ref == null) {
        return "unknown dataset '" + r.dataset() + "'";
      }
      for (String c : r.referencedColumns()) {
        if (!ref.columns().containsKey(c)) {
          return "unknown column '" + c + "' in dataset '" + r.dataset() + "'";
        }
      }
    }
    List<Object> values = new ArrayList<>();
    String valueColumn = null;
    if (check instanceof Check.Range r) {
      valueColumn = r.column();
      java.util.stream.Stream.of(r.min(), r.max()).filter(v -> v != null).forEach(values::add);
    } else if (check instanceof Check.AllowedValues a) {
      valueColumn = a.column();
      values.addAll(a.values());
    }
    if (valueColumn != null) {
      String type = data.columns().get(valueColumn);
      if (SqlTypes.normalize(type).isEmpty()) {
        return "column '"
            + valueColumn
            + "' has type "
            + type
            + ", which cannot be compared to values";
      }
      List<Object> converted = values.stream().filter(v -> !(v instanceof BigDecimal)).toList();
      Object unfit = session.firstUncastable(converted, type);
      for (Object v : values) {
        boolean ok = v instanceof BigDecimal ? SqlTypes.isNumeric(type) : v != unfit;
        if (!ok) {
          return "value '"
              + (v instanceof BigDecimal d ? d.toPlainString() : v)
              + "' does not fit column '"
              + valueColumn
              + "' of type "
              + type;
        }
      }
    }
    if (check instanceof Check.Freshness f) {
      String type = data.columns().get(f.column());
      if (!SqlTypes.isTemporal(type)) {
        return "column '" + f.column() + "' has type " + type + ", not a date or timestamp";
      }
    }
    if (check instanceof Check.Predicate p) {
      String error = userSqlProblem(p.sql(), session);
      return error != null
          ? error
          : session.prepareError(
              "SELECT count(*) FILTER (WHERE ("
                  + p.sql()
                  + ") IS NOT TRUE) FROM "
                  + data.engineRelation());
    }
    if (check instanceof Check.Aggregate a) {
      return aggregateProblem(a.sql(), session);
    }
    if (check instanceof Check.Anomaly a && !a.rowCountMetric()) {
      return aggregateProblem(a.metric(), session);
    }
    return null;
  }

  private String aggregateProblem(String sql, DuckSession session) throws SQLException {
    String error = userSqlProblem(sql, session);
    return error != null
        ? error
        : session.prepareError(
            "SELECT count(*), CAST((" + sql + ") AS DOUBLE) FROM " + data.engineRelation());
  }

  /**
   * User SQL must parse as exactly one expression over the dataset, without subqueries (which could
   * read other relations); file access is locked down besides.
   */
  private String userSqlProblem(String sql, DuckSession session) throws SQLException {
    JsonNode tree;
    try {
      tree = session.parseTree("SELECT (" + sql + ") FROM " + data.relation());
    } catch (IOException e) {
      return "the SQL could not be checked: " + e.getMessage();
    }
    if (tree.path("error").asBoolean(false)) {
      return "invalid SQL: " + tree.path("error_message").asText();
    }
    JsonNode statements = tree.path("statements");
    if (statements.size() != 1) {
      return "the SQL must be one expression";
    }
    JsonNode node = statements.get(0).path("node");
    if (!"SELECT_NODE".equals(node.path("type").asText())
        || node.path("select_list").size() != 1
        || node.path("cte_map").path("map").size() != 0
        || !node.path("where_clause").isNull()
        || node.path("group_expressions").size() != 0
        || node.path("modifiers").size() != 0) {
      return "the SQL must be one expression";
    }
    if (contains(node.path("select_list"), "SUBQUERY")) {
      return "the SQL may not contain subqueries";
    }
    return null;
  }

  private static boolean contains(JsonNode node, String clazz) {
    if (node.isObject()) {
      if (clazz.equals(node.path("class").asText())) {
        return true;
      }
      for (JsonNode child : node) {
        if (contains(child, clazz)) {
          return true;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        if (contains(child, clazz)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The row condition of a row-level check (not uniqueness), or null for other checks. */
  CompiledCheck compile(int index, Check check) {
    List<Object> binds = new ArrayList<>();
    String cond;
    String reason;
    if (check instanceof Check.Completeness c) {
      cond = Sql.id(c.column()) + " IS NOT NULL";
      reason = c.column() + " is null";
    } else if (check instanceof Check.Range r) {
      List<String> parts = new ArrayList<>();
      String type = data.columns().get(r.column());
      if (r.min() != null) {
        parts.add(Sql.id(r.column()) + " >= ?");
        binds.add(bindable(r.min(), type));
      }
      if (r.max() != null) {
        parts.add(Sql.id(r.column()) + " <= ?");
        binds.add(bindable(r.max(), type));
      }
      cond = Sql.id(r.column()) + " IS NULL OR (" + String.join(" AND ", parts) + ")";
      reason = r.column() + " outside [" + show(r.min()) + ", " + show(r.max()) + "]";
    } else if (check instanceof Check.AllowedValues a) {
      // "= ANY([...])" rather than "IN (...)": the same answer, and DuckDB tests a list of
      // constants four times faster than it expands an IN list (20 values over 3M rows: 19 ms
      // against 74 ms)
      cond =
          Sql.id(a.column())
              + " IS NULL OR "
              + Sql.id(a.column())
              + " = ANY(["
              + a.values().stream().map(v -> "?").collect(Collectors.joining(", "))
              + "])";
      String type = data.columns().get(a.column());
      a.values().forEach(v -> binds.add(bindable(v, type)));
      reason = a.column() + " not in the allowed values";
    } else if (check instanceof Check.Pattern p) {
      cond =
          Sql.id(p.column())
              + " IS NULL OR regexp_full_match(CAST("
              + Sql.id(p.column())
              + " AS VARCHAR), "
              + Sql.text(p.regex())
              + ")";
      reason = p.column() + " does not match " + p.regex();
    } else if (check instanceof Check.Length l) {
      String len = "length(CAST(" + Sql.id(l.column()) + " AS VARCHAR))";
      List<String> parts = new ArrayList<>();
      if (l.min() != null) {
        parts.add(len + " >= ?");
        binds.add(l.min());
      }
      if (l.max() != null) {
        parts.add(len + " <= ?");
        binds.add(l.max());
      }
      cond = Sql.id(l.column()) + " IS NULL OR (" + String.join(" AND ", parts) + ")";
      reason =
          "length of " + l.column() + " outside [" + show(l.min()) + ", " + show(l.max()) + "]";
    } else if (check instanceof Check.Referential r) {
      String alias = refAlias(index);
      List<String> parts = new ArrayList<>();
      for (String c : r.columns()) {
        parts.add(Sql.id(c) + " IS NULL");
      }
      parts.add(alias + "." + Sql.id("$hit") + " IS NOT NULL");
      cond = String.join(" OR ", parts);
      reason =
          String.join(",", r.columns())
              + " not found in "
              + r.dataset()
              + "."
              + String.join(",", r.referencedColumns());
    } else if (check instanceof Check.Predicate p) {
      cond = p.sql();
      reason = "predicate not true: " + p.sql();
    } else if (check instanceof Check.Schema s) {
      List<String> parts = new ArrayList<>();
      for (Check.ColumnSpec spec : s.expected()) {
        if (!data.columns().containsKey(spec.name())) {
          continue;
        }
        if (!spec.nullable()) {
          parts.add(Sql.id(spec.name()) + " IS NOT NULL");
        }
        if (data.castFromText().containsKey(spec.name())) {
          parts.add(data.typeOk(spec.name()));
        }
      }
      if (parts.isEmpty()) {
        return new CompiledCheck(index, check, null, List.of(), null);
      }
      cond = String.join(" AND ", parts);
      reason = "a null in a non-nullable column or a value of the wrong type";
    } else {
      return new CompiledCheck(index, check, null, List.of(), null);
    }
    return new CompiledCheck(index, check, cond, binds, reason);
  }

  /** The left join that gives referential check {@code index} its {@code $hit} column. */
  String referenceJoin(int index, Check.Referential r) {
    DuckSession.Registered ref = references.get(r.dataset());
    String alias = refAlias(index);
    List<String> keys = new ArrayList<>();
    List<String> on = new ArrayList<>();
    for (int j = 0; j < r.columns().size(); j++) {
      String mine = r.columns().get(j);
      String theirs = r.referencedColumns().get(j);
      boolean sameType = data.columns().get(mine).equals(ref.columns().get(theirs));
      String key = Sql.id("$k" + j);
      keys.add(
          (sameType ? Sql.id(theirs) : "CAST(" + Sql.id(theirs) + " AS VARCHAR)") + " AS " + key);
      on.add(
          (sameType ? Sql.id(mine) : "CAST(" + Sql.id(mine) + " AS VARCHAR)")
              + " = "
              + alias
              + "."
              + key);
    }
    return " LEFT JOIN (SELECT DISTINCT "
        + String.join(", ", keys)
        + ", TRUE AS "
        + Sql.id("$hit")
        + " FROM "
        + ref.relation()
        + ") AS "
        + alias
        + " ON "
        + String.join(" AND ", on);
  }

  static String refAlias(int index) {
    return Sql.id("$ref" + index);
  }

  /** The FROM clause over the dataset with the joins of these referential checks. */
  String from(List<CompiledCheck> checks) {
    StringBuilder from = new StringBuilder(" FROM ").append(data.engineRelation());
    for (CompiledCheck c : checks) {
      if (c.check() instanceof Check.Referential r) {
        from.append(referenceJoin(c.index(), r));
      }
    }
    return from.toString();
  }

  /**
   * The aggregate query: {@code n} (rows), {@code f<i>} (failing rows of row check i), {@code
   * lo<i>}/{@code hi<i>} (observed bounds of range and length checks), {@code v<i>} (freshness: the
   * newest value as text), {@code e<i>} (its epoch milliseconds), {@code a<i>} (aggregate, or the
   * SQL metric of an anomaly check).
   */
  Query aggregate(
      List<CompiledCheck> rowChecks, List<Check> datasetChecks, Map<Check, Integer> idx) {
    List<String> select = new ArrayList<>();
    List<Object> binds = new ArrayList<>();
    select.add("count(*) AS " + Sql.id("n"));
    for (CompiledCheck c : rowChecks) {
      select.add(c.failingCount() + " AS " + c.alias("f"));
      binds.addAll(c.binds());
      if (c.check() instanceof Check.Range r) {
        select.add("CAST(min(" + Sql.id(r.column()) + ") AS VARCHAR) AS " + c.alias("lo"));
        select.add("CAST(max(" + Sql.id(r.column()) + ") AS VARCHAR) AS " + c.alias("hi"));
      } else if (c.check() instanceof Check.Length l) {
        String len = "length(CAST(" + Sql.id(l.column()) + " AS VARCHAR))";
        select.add("min(" + len + ") AS " + c.alias("lo"));
        select.add("max(" + len + ") AS " + c.alias("hi"));
      }
    }
    for (Check check : datasetChecks) {
      int i = idx.get(check);
      if (check instanceof Check.Freshness f) {
        select.add("CAST(max(" + Sql.id(f.column()) + ") AS VARCHAR) AS " + Sql.id("v" + i));
        select.add(
            "epoch_ms(CAST(max(" + Sql.id(f.column()) + ") AS TIMESTAMP)) AS " + Sql.id("e" + i));
      } else if (check instanceof Check.Aggregate a) {
        select.add("CAST((" + a.sql() + ") AS DOUBLE) AS " + Sql.id("a" + i));
      } else if (check instanceof Check.Anomaly a && !a.rowCountMetric()) {
        select.add("CAST((" + a.metric() + ") AS DOUBLE) AS " + Sql.id("a" + i));
      }
    }
    return new Query("SELECT " + String.join(", ", select) + from(rowChecks), binds);
  }

  /**
   * The uniqueness query: every key in one {@code GROUPING SETS}, keeping the keys that repeat;
   * {@code u<i>} rows whose key repeats, {@code k<i>} keys that repeat and, when {@code sampleSize}
   * is not 0, {@code s<i>} the most repeated keys as JSON (ties broken by the key).
   */
  Query uniqueness(List<Check.Unique> checks, Map<Check, Integer> idx, int sampleSize) {
    Set<String> all = new LinkedHashSet<>();
    checks.forEach(u -> all.addAll(u.columns()));
    List<String> cols = new ArrayList<>(all);
    int m = cols.size();
    List<String> sets = new ArrayList<>();
    List<String> select = new ArrayList<>();
    Map<List<String>, Integer> gids = new LinkedHashMap<>();
    for (Check.Unique u : checks) {
      int gid = 0;
      for (int j = 0; j < m; j++) {
        if (!u.columns().contains(cols.get(j))) {
          gid |= 1 << (m - 1 - j);
        }
      }
      if (gids.putIfAbsent(u.columns(), gid) == null) {
        sets.add("(" + Sql.ids(u.columns()) + ")");
      }
      int i = idx.get(u);
      // a key with a null is never a duplicate; tested here, on the few repeated keys, rather than
      // in the group-by's HAVING on every key (15 % of the scan on 10M rows)
      String dup =
          "WHERE "
              + Sql.id("$g")
              + " = "
              + gid
              + " AND "
              + Sql.id("$c")
              + " > 1"
              + u.columns().stream()
                  .map(c -> " AND " + Sql.id(c) + " IS NOT NULL")
                  .collect(Collectors.joining());
      select.add(
          "CAST(coalesce(sum("
              + Sql.id("$c")
              + ") FILTER ("
              + dup
              + "), 0) AS BIGINT) AS "
              + Sql.id("u" + i));
      select.add("count(*) FILTER (" + dup + ") AS " + Sql.id("k" + i));
      if (sampleSize > 0) {
        String key =
            u.columns().stream()
                .map(c -> Sql.id(c) + " := " + Sql.id(c))
                .collect(Collectors.joining(", "));
        // the most repeated keys, ties broken by the key: a top-n (min_by with n keeps n states
        // per group, not a sorted list) ordered by (-rows, key), in the same pass over the
        // repeated keys as the counts
        String order = "struct_pack(" + Sql.id("$r") + " := -" + Sql.id("$c") + ", " + key + ")";
        select.add(
            "to_json(min_by(struct_pack(key := struct_pack("
                + key
                + "), rows := "
                + Sql.id("$c")
                + "), "
                + order
                + ", "
                + sampleSize
                + ") FILTER ("
                + dup
                + ")) AS "
                + Sql.id("s" + i));
      }
    }
    String inner =
        "SELECT grouping("
            + Sql.ids(cols)
            + ") AS "
            + Sql.id("$g")
            + ", "
            + Sql.ids(cols)
            + ", count(*) AS "
            + Sql.id("$c")
            + " FROM "
            + data.engineRelation()
            + " GROUP BY GROUPING SETS ("
            + String.join(", ", sets)
            // only repeated keys leave the group-by: every figure above counts those alone, and
            // the outer aggregate then reads thousands of groups instead of millions
            + ") HAVING count(*) > 1";
    // one aggregate over the repeated keys gives every check's counts and samples (a materialized
    // CTE read once per figure cost about 8 % of the whole suite on the 3M-row benchmark)
    return new Query(
        "SELECT " + String.join(", ", select) + " FROM (" + inner + ") AS " + Sql.id("$dups"),
        List.of());
  }

  /**
   * The aggregate and the uniqueness query as one statement (one row with the columns of both):
   * their scans are independent, and DuckDB runs them side by side instead of one after the other.
   */
  static Query together(Query aggregate, Query uniqueness) {
    List<Object> binds = new ArrayList<>(aggregate.binds());
    binds.addAll(uniqueness.binds());
    return new Query(
        "SELECT * FROM ("
            + aggregate.sql()
            + ") AS "
            + Sql.id("$aggregate")
            + ", ("
            + uniqueness.sql()
            + ") AS "
            + Sql.id("$uniqueness"),
        binds);
  }

  /** The sample query: {@code s<i>} up to {@code n} failing rows of check i, as JSON. */
  Query samples(List<CompiledCheck> failed, int n) {
    List<String> fields = new ArrayList<>();
    for (String c : data.columns().keySet()) {
      fields.add(Sql.id(c) + " := " + Sql.id(c));
    }
    for (String c : data.castFromText().keySet()) {
      String raw = DuckSession.rawName(c);
      fields.add(Sql.id(raw) + " := " + Sql.id(raw));
    }
    String row = "struct_pack(" + String.join(", ", fields) + ")";
    List<String> select = new ArrayList<>();
    List<Object> binds = new ArrayList<>();
    List<String> anyFailing = new ArrayList<>();
    List<Object> whereBinds = new ArrayList<>();
    for (CompiledCheck c : failed) {
      anyFailing.add("(" + c.condition() + ") IS NOT TRUE");
      whereBinds.addAll(c.binds());
      select.add(
          "to_json(min_by("
              + row
              + ", hash("
              + row
              + "), "
              + n
              + ") FILTER (WHERE ("
              + c.condition()
              + ") IS NOT TRUE)) AS "
              + c.alias("s"));
      binds.addAll(c.binds());
    }
    // the row and its hash are built for failing rows only, not for every row of the scan
    binds.addAll(whereBinds);
    return new Query(
        "SELECT "
            + String.join(", ", select)
            + from(failed)
            + " WHERE "
            + String.join(" OR ", anyFailing),
        binds);
  }

  private static final Set<String> INTEGRAL =
      Set.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER");

  /**
   * A suite's number as a bind value of the column's own kind: a {@code long} for an integer column
   * when the number is whole, a {@code double} for a floating-point column, else the decimal as
   * written. A decimal parameter would make DuckDB widen every value of an integer column to a
   * 128-bit decimal before comparing (measured: about 15 % of the aggregate query on the flights
   * benchmark); the outcome of the comparison is the same.
   */
  static Object bindable(Object value, String columnType) {
    if (!(value instanceof BigDecimal d) || columnType == null) {
      return value;
    }
    if (INTEGRAL.contains(columnType)) {
      try {
        return d.longValueExact();
      } catch (ArithmeticException notWhole) {
        return d;
      }
    }
    if (columnType.equals("DOUBLE") || columnType.equals("FLOAT")) {
      return d.doubleValue();
    }
    return d;
  }

  private static String show(Object bound) {
    if (bound == null) {
      return "";
    }
    return bound instanceof BigDecimal d ? d.toPlainString() : bound.toString();
  }
}
