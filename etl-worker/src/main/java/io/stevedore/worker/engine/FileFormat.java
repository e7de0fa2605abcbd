package io.stevedore.worker.engine;

import io.stevedore.worker.stage.InvalidStageException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How DuckDB reads local files of each format. CSV has a header line, commas between fields and
 * {@code "} quotes (the rest is inferred), and a row with more or fewer fields fails the read; JSON
 * is newline-delimited or an array (DuckDB tells them apart); gzip ({@code .gz}) is recognised by
 * the file name. Several files are combined by column name. Explicit column types are applied while
 * reading CSV (so that {@code 01001} stays text) and as casts otherwise.
 */
public enum FileFormat {
  PARQUET,
  CSV,
  JSON;

  /** The format named in a spec or option ({@code parquet}, {@code csv}, {@code json}). */
  public static FileFormat of(String name) {
    if (name == null) {
      throw new InvalidStageException("the source needs a format: parquet, csv or json");
    }
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidStageException(
          "unknown format '" + name + "'; the worker reads parquet, csv and json");
    }
  }

  /** A relation (a parenthesized table function call) that reads {@code files}. */
  public String relation(List<Path> files, Map<String, String> columns) {
    return relation(files, columns, "");
  }

  /**
   * A JSON relation whose columns in {@code jsonTyped} (values of mixed types) are cast from their
   * text when {@code columns} gives them a type.
   */
  public String jsonRelation(
      List<Path> files, Map<String, String> columns, java.util.Set<String> jsonTyped) {
    return ColumnTypes.cast(
        "read_json("
            + Sql.list(files.stream().map(Path::toString).toList())
            + ", format = 'auto', union_by_name = true)",
        columns,
        jsonTyped);
  }

  /**
   * A CSV relation that sets rows it cannot read aside in DuckDB's {@code reject_errors} table
   * instead of failing, to find the first bad line after a failed read.
   */
  public String diagnosticRelation(Path file, Map<String, String> columns) {
    return relation(List.of(file), columns, ", store_rejects = true");
  }

  private String relation(List<Path> files, Map<String, String> columns, String options) {
    String list = Sql.list(files.stream().map(Path::toString).toList());
    return switch (this) {
      case PARQUET -> ColumnTypes.cast("read_parquet(" + list + ", union_by_name = true)", columns);
      case JSON ->
          ColumnTypes.cast(
              "read_json(" + list + ", format = 'auto', union_by_name = true)", columns);
      case CSV ->
          "read_csv("
              + list
              + ", header = true, delim = ',', quote = '\"', escape = '\"'"
              + (options.isEmpty() ? ", union_by_name = true" : options)
              + (columns.isEmpty()
                  ? ""
                  : ", types = "
                      + columns.entrySet().stream()
                          .map(
                              c ->
                                  Sql.literal(c.getKey())
                                      + ": "
                                      + Sql.literal(c.getValue().trim().toUpperCase(Locale.ROOT)))
                          .collect(Collectors.joining(", ", "{", "}")))
              + ")";
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
