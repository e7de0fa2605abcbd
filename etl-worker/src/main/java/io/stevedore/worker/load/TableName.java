package io.stevedore.worker.load;

/**
 * A table name as users write it, {@code name} or {@code schema.name}, each part taken literally
 * (case kept) and quoted in SQL.
 */
record TableName(String schema, String name) {

  /** Parses {@code name} or {@code schema.name}. */
  static TableName parse(String table) {
    if (table == null || table.isBlank()) {
      throw new InvalidTargetException("a table load needs a table name, such as analytics.delays");
    }
    String[] parts = table.split("\\.", -1);
    if (parts.length > 2 || parts[0].isBlank() || parts[parts.length - 1].isBlank()) {
      throw new InvalidTargetException(
          "table '" + table + "' is not a table name: write name or schema.name");
    }
    return parts.length == 2 ? new TableName(parts[0], parts[1]) : new TableName(null, parts[0]);
  }

  /** The name quoted for SQL, such as {@code "analytics"."delays"}. */
  String quoted() {
    return schema == null ? quote(name) : quote(schema) + "." + quote(name);
  }

  /** A table of the same schema, such as the load ledger beside the target. */
  TableName sibling(String otherName) {
    return new TableName(schema, otherName);
  }

  @Override
  public String toString() {
    return schema == null ? name : schema + "." + name;
  }

  /** An identifier quoted the SQL way: in double quotes, a double quote doubled. */
  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
