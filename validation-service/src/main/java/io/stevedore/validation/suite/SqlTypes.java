package io.stevedore.validation.suite;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * The column types a suite may name, as DuckDB spells them. Only these reach SQL text (in casts),
 * so a type can never carry SQL of its own.
 */
public final class SqlTypes {

  private static final Map<String, String> NAMES =
      Map.ofEntries(
          Map.entry("BOOLEAN", "BOOLEAN"),
          Map.entry("BOOL", "BOOLEAN"),
          Map.entry("TINYINT", "TINYINT"),
          Map.entry("SMALLINT", "SMALLINT"),
          Map.entry("INTEGER", "INTEGER"),
          Map.entry("INT", "INTEGER"),
          Map.entry("BIGINT", "BIGINT"),
          Map.entry("LONG", "BIGINT"),
          Map.entry("HUGEINT", "HUGEINT"),
          Map.entry("UTINYINT", "UTINYINT"),
          Map.entry("USMALLINT", "USMALLINT"),
          Map.entry("UINTEGER", "UINTEGER"),
          Map.entry("UBIGINT", "UBIGINT"),
          Map.entry("FLOAT", "FLOAT"),
          Map.entry("REAL", "FLOAT"),
          Map.entry("DOUBLE", "DOUBLE"),
          Map.entry("DECIMAL", "DECIMAL(18,3)"),
          Map.entry("VARCHAR", "VARCHAR"),
          Map.entry("TEXT", "VARCHAR"),
          Map.entry("STRING", "VARCHAR"),
          Map.entry("DATE", "DATE"),
          Map.entry("TIME", "TIME"),
          Map.entry("TIMESTAMP", "TIMESTAMP"),
          Map.entry("DATETIME", "TIMESTAMP"),
          Map.entry("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE"),
          Map.entry("TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITH TIME ZONE"),
          Map.entry("BLOB", "BLOB"),
          Map.entry("UUID", "UUID"),
          Map.entry("INTERVAL", "INTERVAL"));

  private static final java.util.regex.Pattern DECIMAL =
      java.util.regex.Pattern.compile(
          "(?:DECIMAL|NUMERIC)\\s*\\(\\s*(\\d{1,2})\\s*,\\s*(\\d{1,2})\\s*\\)");

  private SqlTypes() {}

  /** The canonical DuckDB name of a type, or empty when the type is not one a suite may use. */
  public static Optional<String> normalize(String type) {
    if (type == null) {
      return Optional.empty();
    }
    String upper = type.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
    Matcher m = DECIMAL.matcher(upper);
    if (m.matches()) {
      int precision = Integer.parseInt(m.group(1));
      int scale = Integer.parseInt(m.group(2));
      if (precision < 1 || precision > 38 || scale > precision) {
        return Optional.empty();
      }
      return Optional.of("DECIMAL(" + precision + "," + scale + ")");
    }
    return Optional.ofNullable(NAMES.get(upper));
  }

  /** Whether values of the type are numbers. */
  public static boolean isNumeric(String canonical) {
    return canonical.matches(
        "TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*");
  }

  /** Whether values of the type are dates or timestamps. */
  public static boolean isTemporal(String canonical) {
    return canonical.startsWith("TIMESTAMP") || canonical.equals("DATE");
  }
}
