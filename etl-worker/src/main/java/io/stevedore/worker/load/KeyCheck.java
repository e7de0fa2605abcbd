package io.stevedore.worker.load;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Checks in DuckDB, before anything is written, that a merge's input has one row per key. */
final class KeyCheck {

  private KeyCheck() {}

  static void requireOneRowPerKey(Connection duckdb, String relation, List<String> key)
      throws SQLException {
    String columns = key.stream().map(TableName::quote).collect(Collectors.joining(", "));
    String anyNull =
        key.stream().map(k -> TableName.quote(k) + " IS NULL").collect(Collectors.joining(" OR "));
    try (Statement s = duckdb.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FROM " + TableName.quote(relation) + " WHERE " + anyNull)) {
        rs.next();
        long nulls = rs.getLong(1);
        if (nulls > 0) {
          throw new LoadException(
              nulls + " input rows have a null in the key " + key + "; a merge needs every key");
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT "
                  + columns
                  + ", count(*) FROM "
                  + TableName.quote(relation)
                  + " GROUP BY ALL HAVING count(*) > 1 LIMIT 1")) {
        if (rs.next()) {
          List<String> values = new ArrayList<>();
          for (int i = 1; i <= key.size(); i++) {
            values.add(key.get(i - 1) + "=" + rs.getString(i));
          }
          throw new LoadException(
              "the input has "
                  + rs.getLong(key.size() + 1)
                  + " rows with key "
                  + values
                  + "; a merge needs one row per key "
                  + key);
        }
      }
    }
  }
}
