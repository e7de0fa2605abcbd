package io.stevedore.validation.engine;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Quoting for the SQL the engine writes. Everything a suite names goes through here or through a
 * bind parameter: identifiers in DuckDB's double quotes (a quote inside doubled), texts in single
 * quotes (a quote inside doubled). Types come only from {@link
 * io.stevedore.validation.suite.SqlTypes}.
 */
final class Sql {

  private Sql() {}

  /** A quoted identifier: {@code a"b} becomes {@code "a""b"}. */
  static String id(String name) {
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("an identifier may not contain NUL");
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** A quoted, comma-separated list of identifiers. */
  static String ids(Collection<String> names) {
    return names.stream().map(Sql::id).collect(Collectors.joining(", "));
  }

  /** A text literal: {@code it's} becomes {@code 'it''s'}. */
  static String text(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a text may not contain NUL");
    }
    return '\'' + value.replace("'", "''") + '\'';
  }

  /** A literal for a suite scalar: number, boolean or text. */
  static String literal(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof Number n) {
      return new BigDecimal(n.toString()).toPlainString();
    }
    if (value instanceof Boolean b) {
      return b ? "TRUE" : "FALSE";
    }
    return text(value.toString());
  }
}
