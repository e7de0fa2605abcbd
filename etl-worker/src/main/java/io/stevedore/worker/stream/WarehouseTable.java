package io.stevedore.worker.stream;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;

/**
 * The Postgres table a stream writes to, inside the batch's transaction: {@code append} copies the
 * rows in with {@code COPY}; {@code merge} copies them into a temporary table and upserts them on
 * the key columns (the last row of the batch wins for a key that occurs twice).
 */
final class WarehouseTable {

  /** How rows meet the rows already in the table. */
  enum Mode {
    APPEND,
    MERGE;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String table;
  private final String quotedTable;
  private final Mode mode;
  private final List<String> key;

  WarehouseTable(String table, Mode mode, List<String> key) {
    this.table = table;
    this.quotedTable = quoteQualified(table);
    this.mode = mode;
    this.key = key == null ? List.of() : List.copyOf(key);
    if (mode == Mode.MERGE && this.key.isEmpty()) {
      throw new StreamException("merge into '" + table + "' needs key columns (--key a,b)");
    }
  }

  /** Fails with a clear message when the table is not there, before the first batch. */
  void check(Connection db) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("select to_regclass(?)")) {
      ps.setString(1, quotedTable);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getString(1) == null) {
          throw new StreamException(
              "target table '" + table + "' does not exist in the warehouse; create it first");
        }
      }
    } finally {
      db.rollback();
    }
  }

  /** Writes the batch's rows; returns how many rows were written. */
  long write(Connection tx, BatchTransform.Result result) throws SQLException {
    if (result.rows() == 0) {
      return 0;
    }
    if (mode == Mode.MERGE) {
      for (String k : key) {
        if (!result.columns().contains(k)) {
          throw new StreamException(
              "key column '"
                  + k
                  + "' is not a column of the stage SQL's result (columns: "
                  + String.join(", ", result.columns())
                  + ")");
        }
      }
    }
    String columns = result.columns().stream().map(WarehouseTable::quote).collect(joining());
    try {
      if (mode == Mode.APPEND) {
        return copy(tx, quotedTable, columns, result);
      }
      try (Statement st = tx.createStatement()) {
        st.execute(
            "create temp table stevedore_stream_batch on commit drop as select "
                + columns
                + " from "
                + quotedTable
                + " with no data");
        st.execute(
            "alter table stevedore_stream_batch add column stevedore_ord bigint generated always"
                + " as identity");
      }
      copy(tx, "stevedore_stream_batch", columns, result);
      String keys = key.stream().map(WarehouseTable::quote).collect(joining());
      List<String> rest = new ArrayList<>(result.columns());
      rest.removeAll(key);
      String onConflict =
          rest.isEmpty()
              ? "do nothing"
              : "do update set "
                  + rest.stream().map(c -> quote(c) + " = excluded." + quote(c)).collect(joining());
      try (Statement st = tx.createStatement()) {
        int n =
            st.executeUpdate(
                "insert into "
                    + quotedTable
                    + " ("
                    + columns
                    + ") select distinct on ("
                    + keys
                    + ") "
                    + columns
                    + " from stevedore_stream_batch order by "
                    + keys
                    + ", stevedore_ord desc on conflict ("
                    + keys
                    + ") "
                    + onConflict);
        st.execute("drop table stevedore_stream_batch");
        return n;
      }
    } catch (SQLException e) {
      String message = BatchTransform.firstLine(e.getMessage());
      if (message.contains("no unique or exclusion constraint")) {
        message +=
            "; merge needs a primary key or unique index on ("
                + String.join(", ", key)
                + ") of "
                + table;
      }
      throw new StreamException(mode + " into '" + table + "' failed: " + message, e);
    }
  }

  private static long copy(
      Connection tx, String quotedTarget, String columns, BatchTransform.Result result)
      throws SQLException {
    try (Reader in = Files.newBufferedReader(result.csv(), StandardCharsets.UTF_8)) {
      return tx.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn("copy " + quotedTarget + " (" + columns + ") from stdin (format csv)", in);
    } catch (IOException e) {
      throw new StreamException("cannot read the batch's rows from " + result.csv(), e);
    }
  }

  private static java.util.stream.Collector<CharSequence, ?, String> joining() {
    return Collectors.joining(", ");
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /** {@code analytics.delays} to {@code "analytics"."delays"}. */
  static String quoteQualified(String table) {
    int dot = table.indexOf('.');
    return dot < 0
        ? quote(table)
        : quote(table.substring(0, dot)) + "." + quote(table.substring(dot + 1));
  }
}
