package io.stevedore.validation.engine;

/**
 * The engine could not run at all: a dataset could not be read, or DuckDB failed. A check that
 * cannot run (an unknown column, SQL that does not bind) is not this: it fails on its own with an
 * error in its {@link CheckResult}.
 */
public class EngineException extends RuntimeException {

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
