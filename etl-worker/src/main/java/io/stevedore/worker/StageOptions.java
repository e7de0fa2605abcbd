package io.stevedore.worker;

import java.util.UUID;
import picocli.CommandLine.Option;

/**
 * What identifies the stage attempt every subcommand runs: the orchestrator passes them, and the
 * worker reports heartbeats and results under them.
 */
class StageOptions {

  @Option(
      names = "--run-id",
      required = true,
      description = "The run this stage belongs to (UUID).")
  UUID runId;

  @Option(
      names = "--stage-id",
      required = true,
      description = "The stage's id in the pipeline spec, such as extract-flights.")
  String stageId;

  @Option(
      names = "--attempt",
      defaultValue = "1",
      description = "The attempt number, from 1 (default: ${DEFAULT-VALUE}).")
  int attempt;

  /** Checks what picocli's types cannot; throws with the offending value. */
  void check(picocli.CommandLine commandLine) {
    if (!stageId.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new picocli.CommandLine.ParameterException(
          commandLine,
          "--stage-id '"
              + stageId
              + "' is not a stage id (lower-case letters, digits and '-', at most 63)");
    }
    if (attempt < 1) {
      throw new picocli.CommandLine.ParameterException(
          commandLine, "--attempt must be at least 1, was " + attempt);
    }
  }
}
