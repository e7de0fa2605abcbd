package io.stevedore.worker.load;

/**
 * A load target that cannot work whatever the data: an unknown connection, a table name or S3
 * location that is not one, a mode the target kind does not offer. The stage's spec must change
 * (the worker exits 2); other {@link LoadException}s depend on the data or the target's state (exit
 * 1).
 */
public class InvalidTargetException extends LoadException {

  public InvalidTargetException(String message) {
    super(message);
  }
}
