package io.stevedore.worker.engine;

import io.stevedore.worker.stage.InvalidStageException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The explicit column types a source may give ({@code source.columns}): the same list the spec
 * parser accepts. Checked again here because the types become SQL text and a manual run bypasses
 * the parser.
 */
public final class ColumnTypes {

  private static final Pattern TYPE =
      Pattern.compile(
          "(?i)(varchar|text|string|bigint|integer|int|smallint|tinyint|hugeint|ubigint|uinteger"
              + "|double|float|real|boolean|bool|date|time|timestamp|timestamptz"
              + "|timestamp with time zone|uuid|blob|(decimal|numeric)(\\(\\d{1,2}\\s*,\\s*\\d{1,2}\\))?)");

  private ColumnTypes() {}

  /** Throws when a type is not one the worker knows. */
  public static void check(Map<String, String> columns) {
    columns.forEach(
        (column, type) -> {
          if (type == null || !TYPE.matcher(type.trim()).matches()) {
            throw new InvalidStageException(
                "source.columns: unknown column type '"
                    + type
                    + "' for column '"
                    + column
                    + "'; use varchar, bigint, integer, double, boolean, date, timestamp,"
                    + " decimal(p,s) or another DuckDB type name");
          }
        });
  }

  /**
   * {@code SELECT * REPLACE (CAST("c" AS type) AS "c", ...) FROM (relation)}: the relation with the
   * given columns cast; the relation itself when there are none.
   */
  public static String cast(String relation, Map<String, String> columns) {
    return cast(relation, columns, java.util.Set.of());
  }

  /**
   * As {@link #cast(String, Map)}; the columns in {@code jsonTyped} (DuckDB's {@code JSON} type,
   * values of mixed types) are cast from their text, so {@code "late"} becomes {@code late}.
   */
  public static String cast(
      String relation, Map<String, String> columns, java.util.Set<String> jsonTyped) {
    if (columns.isEmpty()) {
      return relation;
    }
    StringBuilder sql = new StringBuilder("(SELECT * REPLACE (");
    String sep = "";
    for (Map.Entry<String, String> c : columns.entrySet()) {
      String column = Sql.identifier(c.getKey());
      String value =
          jsonTyped.contains(c.getKey()) ? "json_extract_string(" + column + ", '$')" : column;
      sql.append(sep).append("CAST(").append(value).append(" AS ").append(c.getValue().trim());
      sql.append(") AS ").append(column);
      sep = ", ";
    }
    return sql.append(") FROM ").append(relation).append(")").toString();
  }
}
