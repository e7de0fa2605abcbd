package io.stevedore.worker.load;

/** A load that cannot be done as asked; the message says why, for the user who asked. */
public class LoadException extends RuntimeException {

  public LoadException(String message) {
    super(message);
  }

  public LoadException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A target table that is missing while the load was not asked to create it. */
  static LoadException missingTable(Object table, LoadTarget target) {
    return new LoadException(
        "table "
            + table
            + " does not exist in connection '"
            + target.connectionName()
            + "'; create it, or ask the load to create it (createTable)");
  }
}
