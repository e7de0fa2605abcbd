package io.stevedore.worker.load;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A column of the input relation, with its DuckDB type as DuckDB writes it ({@code BIGINT}, {@code
 * DECIMAL(10,2)}, {@code VARCHAR[]}, {@code STRUCT(a INTEGER)}...).
 */
record InputColumn(String name, String duckType) {

  /** The columns of a DuckDB view or table, in order. */
  static List<InputColumn> of(Connection duckdb, String relation) {
    List<InputColumn> columns = new ArrayList<>();
    try (Statement s = duckdb.createStatement();
        ResultSet rs = s.executeQuery("DESCRIBE " + TableName.quote(relation))) {
      while (rs.next()) {
        columns.add(new InputColumn(rs.getString("column_name"), rs.getString("column_type")));
      }
    } catch (SQLException e) {
      throw new LoadException(
          "the input relation '" + relation + "' cannot be read: " + e.getMessage(), e);
    }
    if (columns.isEmpty()) {
      throw new LoadException("the input relation '" + relation + "' has no columns");
    }
    return columns;
  }

  /** The type's family: its name without parameters, or LIST, STRUCT, MAP, UNION, ARRAY. */
  String family() {
    String t = duckType.toUpperCase(Locale.ROOT).trim();
    if (t.endsWith("]")) {
      return "LIST";
    }
    int paren = t.indexOf('(');
    return paren < 0 ? t : t.substring(0, paren).trim();
  }

  /** Whether the type holds nested values (lists, structs, maps, unions), written as JSON. */
  boolean nested() {
    return switch (family()) {
      case "LIST", "STRUCT", "MAP", "UNION" -> true;
      default -> false;
    };
  }

  String quotedName() {
    return TableName.quote(name);
  }

  /** Checks that every named column is an input column. */
  static void requireAll(List<InputColumn> columns, List<String> names, String what) {
    for (String n : names) {
      if (columns.stream().noneMatch(c -> c.name().equals(n))) {
        throw new LoadException(
            what
                + " column '"
                + n
                + "' is not a column of the input; its columns are "
                + columns.stream().map(InputColumn::name).toList());
      }
    }
  }
}
