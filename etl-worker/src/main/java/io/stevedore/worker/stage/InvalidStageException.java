package io.stevedore.worker.stage;

/**
 * The stage cannot be run as given (missing or malformed options, environment or spec): exit 2. The
 * message names the option or variable and its value.
 */
public class InvalidStageException extends RuntimeException {

  public InvalidStageException(String message) {
    super(message);
  }
}
