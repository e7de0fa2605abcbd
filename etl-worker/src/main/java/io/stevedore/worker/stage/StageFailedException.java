package io.stevedore.worker.stage;

/**
 * The stage ran and failed (unreadable or bad input, a failing query, a storage error): exit 1. The
 * message is for the user: it names the input file, row or column where it can, and carries no
 * stack trace.
 */
public class StageFailedException extends RuntimeException {

  public StageFailedException(String message) {
    super(message);
  }

  public StageFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
