package io.stevedore.orchestrator.launcher;

/** The launcher could not start a task; the message says why, in the launcher's terms. */
public class LaunchException extends Exception {
  public LaunchException(String message, Throwable cause) {
    super(message, cause);
  }
}
