package io.stevedore.worker.load;

import java.util.Locale;
import java.util.Set;

/**
 * DuckDB types to Postgres types: the type a created table gets, and the Postgres types an existing
 * column may have to receive a DuckDB type without losing values (a wider integer, numeric for any
 * number, text for text...). Narrowing (a {@code BIGINT} into an {@code integer} column) is a
 * mismatch: cast in the transform instead.
 */
final class PostgresTypes {

  private static final Set<String> TEXT = Set.of("text", "varchar", "bpchar", "citext");

  private PostgresTypes() {}

  /** The Postgres type of a created column, or a {@link LoadException} for a type without one. */
  static String createType(InputColumn column) {
    if (column.nested()) {
      return "jsonb";
    }
    return switch (column.family()) {
      case "BOOLEAN" -> "boolean";
      case "TINYINT", "SMALLINT", "UTINYINT" -> "smallint";
      case "INTEGER", "USMALLINT" -> "integer";
      case "BIGINT", "UINTEGER" -> "bigint";
      case "UBIGINT", "HUGEINT", "UHUGEINT" -> "numeric";
      case "FLOAT" -> "real";
      case "DOUBLE" -> "double precision";
      case "DECIMAL" -> column.duckType().toLowerCase(Locale.ROOT).replace("decimal", "numeric");
      case "VARCHAR", "ENUM" -> "text";
      case "DATE" -> "date";
      case "TIME" -> "time";
      case "TIME WITH TIME ZONE" -> "timetz";
      case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS" -> "timestamp";
      case "TIMESTAMP WITH TIME ZONE" -> "timestamptz";
      case "INTERVAL" -> "interval";
      case "UUID" -> "uuid";
      case "BLOB" -> "bytea";
      case "JSON" -> "jsonb";
      default ->
          throw new LoadException(
              "column '"
                  + column.name()
                  + "' has type "
                  + column.duckType()
                  + ", which has no Postgres counterpart; cast it in the transform");
    };
  }

  /**
   * Whether a column of Postgres type {@code pgType} (its {@code pg_type.typname}, such as {@code
   * int8}) can receive the input column's values.
   */
  static boolean accepts(String pgType, InputColumn column) {
    if (column.nested()) {
      return pgType.equals("jsonb") || pgType.equals("json") || TEXT.contains(pgType);
    }
    return switch (column.family()) {
      case "BOOLEAN" -> pgType.equals("bool");
      case "TINYINT", "SMALLINT", "UTINYINT" ->
          Set.of("int2", "int4", "int8", "numeric", "float4", "float8").contains(pgType);
      case "INTEGER", "USMALLINT" -> Set.of("int4", "int8", "numeric", "float8").contains(pgType);
      case "BIGINT", "UINTEGER" -> Set.of("int8", "numeric").contains(pgType);
      case "UBIGINT", "HUGEINT", "UHUGEINT" -> pgType.equals("numeric");
      case "FLOAT" -> Set.of("float4", "float8", "numeric").contains(pgType);
      case "DOUBLE" -> Set.of("float8", "numeric").contains(pgType);
      case "DECIMAL" -> Set.of("numeric", "float8").contains(pgType);
      case "VARCHAR", "ENUM" -> TEXT.contains(pgType) || Set.of("json", "jsonb").contains(pgType);
      case "DATE" -> Set.of("date", "timestamp", "timestamptz").contains(pgType);
      case "TIME" -> Set.of("time", "timetz").contains(pgType);
      case "TIME WITH TIME ZONE" -> pgType.equals("timetz");
      case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS" ->
          Set.of("timestamp", "timestamptz").contains(pgType);
      case "TIMESTAMP WITH TIME ZONE" -> pgType.equals("timestamptz");
      case "INTERVAL" -> pgType.equals("interval");
      case "UUID" -> pgType.equals("uuid") || TEXT.contains(pgType);
      case "BLOB" -> pgType.equals("bytea");
      case "JSON" -> Set.of("json", "jsonb").contains(pgType) || TEXT.contains(pgType);
      default -> false;
    };
  }

  /**
   * The DuckDB expression that writes the column as Postgres's CSV {@code COPY} reads it: blobs as
   * {@code \x} hex, nested values as JSON, the rest as DuckDB prints them.
   */
  static String csvExpression(InputColumn column) {
    if (column.nested()) {
      return "to_json(" + column.quotedName() + ")::VARCHAR";
    }
    if (column.family().equals("BLOB")) {
      return "'\\x' || hex(" + column.quotedName() + ")";
    }
    return column.quotedName();
  }
}
