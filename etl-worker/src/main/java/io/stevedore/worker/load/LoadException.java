package io.stevedore.worker.load;

/** A load that cannot be done as asked; the message says why, for the user who asked. */
public class LoadException extends RuntimeException {

  public LoadException(String message) {
    super(message);
  }

  public LoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
