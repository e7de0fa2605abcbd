package io.stevedore.worker.load;

import java.util.ArrayList;
import java.util.List;

/**
 * What keeps an input from fitting an existing table, collected column by column so that one
 * failure names every problem, in the same words for every kind of target.
 */
final class SchemaMismatch {

  private final TableName table;
  private final List<String> problems = new ArrayList<>();

  SchemaMismatch(TableName table) {
    this.table = table;
  }

  /** The input has {@code column}; the table does not. */
  void missingFromTable(InputColumn column) {
    problems.add(
        "column '"
            + column.name()
            + "' is "
            + column.duckType()
            + " in the input but missing from the table");
  }

  /** The input's {@code column} cannot go into the table's column of type {@code tableType}. */
  void typeDiffers(InputColumn column, String tableType) {
    problems.add(
        "column '"
            + column.name()
            + "' is "
            + column.duckType()
            + " in the input but "
            + tableType
            + " in the table");
  }

  /** The table needs {@code column} (NOT NULL, no default), which the input lacks. */
  void missingFromInput(String column, String tableType) {
    problems.add(
        "column '"
            + column
            + "' is "
            + tableType
            + " NOT NULL without a default in the table but missing from the input");
  }

  /** Throws, naming every problem, when there is any. */
  void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new LoadException(
          "the input does not fit table " + table + ": " + String.join("; ", problems));
    }
  }
}
