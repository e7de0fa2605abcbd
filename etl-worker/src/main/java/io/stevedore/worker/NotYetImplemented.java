package io.stevedore.worker;

import java.io.PrintWriter;

/**
 * The answer of every subcommand until the DuckDB engine lands: the arguments were valid, but this
 * build cannot run the stage. It exits 2, never 0, so an orchestrator never records a fake success.
 */
final class NotYetImplemented {

  static final int EXIT_CODE = 2;

  private NotYetImplemented() {}

  static int report(PrintWriter err, String operation, StageOptions stage) {
    err.printf(
        "etl-worker %s: arguments are valid (run %s, stage %s, attempt %d), but this build has no"
            + " stage engine yet; the DuckDB engine lands with the worker issue.%n",
        operation, stage.runId, stage.stageId, stage.attempt == null ? 1 : stage.attempt);
    err.flush();
    return EXIT_CODE;
  }
}
