package io.stevedore.worker.engine;

import java.util.List;
import java.util.stream.Collectors;

/** Quoting for the SQL text the worker writes itself (values from users go in as binds). */
public final class Sql {

  private Sql() {}

  /** {@code "name"}, with inner quotes doubled. */
  public static String identifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** {@code 'text'}, with inner quotes doubled. */
  public static String literal(String text) {
    return '\'' + text.replace("'", "''") + '\'';
  }

  /** {@code ['a', 'b']}: a DuckDB list of string literals. */
  public static String list(List<String> texts) {
    return texts.stream().map(Sql::literal).collect(Collectors.joining(", ", "[", "]"));
  }
}
