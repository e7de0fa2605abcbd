package io.stevedore.worker.stream;

/** Stream mode cannot go on; the message says why, with the offending value. */
public class StreamException extends RuntimeException {

  public StreamException(String message) {
    super(message);
  }

  public StreamException(String message, Throwable cause) {
    super(message, cause);
  }
}
