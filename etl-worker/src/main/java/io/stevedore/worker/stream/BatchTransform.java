package io.stevedore.worker.stream;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs the stage's SQL over one micro-batch in DuckDB: the records go to a JSON-lines file, read
 * with {@code read_json(..., format='newline_delimited')} (with the explicit column types when
 * given) as view {@code batch}, and the SQL's result is written as CSV for Postgres's {@code COPY}.
 */
final class BatchTransform implements AutoCloseable {

  /**
   * The SQL's result for one batch.
   *
   * @param columns the result's column names, in order
   * @param csv the rows as CSV without a header (NULL as an empty field, empty text as {@code ""})
   * @param rows how many rows
   */
  record Result(List<String> columns, Path csv, long rows) {}

  private final Connection duck;
  private final Path dir;
  private final String sql;
  private final Map<String, String> columnTypes;

  BatchTransform(String sql, Map<String, String> columnTypes) {
    this.sql = stripSemicolons(sql);
    this.columnTypes = columnTypes == null ? Map.of() : Map.copyOf(columnTypes);
    try {
      this.dir = Files.createTempDirectory("stevedore-stream-");
      this.duck = DriverManager.getConnection("jdbc:duckdb:");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the batch directory: " + e.getMessage(), e);
    } catch (SQLException e) {
      throw new StreamException("cannot start DuckDB: " + e.getMessage(), e);
    }
  }

  static String stripSemicolons(String sql) {
    String s = sql.strip();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return s;
  }

  /** Runs the SQL over {@code jsonLines}, one compact JSON object per element. */
  Result run(List<String> jsonLines) {
    Path input = dir.resolve("batch.jsonl");
    Path output = dir.resolve("result.csv");
    try (BufferedWriter w = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
      for (String line : jsonLines) {
        w.write(line);
        w.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the batch file " + input, e);
    }
    try (Statement st = duck.createStatement()) {
      st.execute(
          "create or replace temp view batch as select * from read_json("
              + literal(input.toString())
              + ", format = 'newline_delimited'"
              + columnsOption()
              + ")");
      List<String> columns = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("select * from (" + sql + ") as stage_sql limit 0")) {
        var meta = rs.getMetaData();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          columns.add(meta.getColumnName(i));
        }
      }
      long rows =
          st.executeUpdate(
              "copy ("
                  + sql
                  + ") to "
                  + literal(output.toString())
                  + " (format csv, header false)");
      return new Result(columns, output, rows);
    } catch (SQLException e) {
      throw new StreamException(
          "the stage SQL failed on a batch of "
              + jsonLines.size()
              + " records: "
              + firstLine(e.getMessage()),
          e);
    }
  }

  private String columnsOption() {
    if (columnTypes.isEmpty()) {
      return "";
    }
    return ", columns = {"
        + columnTypes.entrySet().stream()
            .map(e -> literal(e.getKey()) + ": " + literal(e.getValue()))
            .collect(Collectors.joining(", "))
        + "}";
  }

  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  @Override
  public void close() {
    try {
      duck.close();
    } catch (SQLException e) {
      // closing an in-memory database
    }
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a temp directory
    }
  }
}
