package io.stevedore.worker;

import io.stevedore.worker.stage.StageEnvironment;
import java.util.UUID;
import picocli.CommandLine.Option;

/**
 * What identifies the stage attempt every subcommand runs. The orchestrator passes them in the
 * environment ({@code STEVEDORE_RUN_ID}, {@code STEVEDORE_STAGE_ID}, {@code STEVEDORE_ATTEMPT});
 * options given here take precedence (manual runs).
 */
class StageOptions {

  @Option(
      names = "--run-id",
      description = "The run this stage belongs to (UUID); default $STEVEDORE_RUN_ID.")
  UUID runId;

  @Option(
      names = "--stage-id",
      description =
          "The stage's id in the pipeline spec, such as extract-flights; default"
              + " $STEVEDORE_STAGE_ID or the spec's id.")
  String stageId;

  @Option(
      names = "--attempt",
      description = "The attempt number, from 1; default $STEVEDORE_ATTEMPT, else 1.")
  Integer attempt;

  /** For commands that take no environment: run and stage id given and well-formed. */
  void requireExplicit(picocli.CommandLine commandLine) {
    if (runId == null || stageId == null) {
      throw new picocli.CommandLine.ParameterException(
          commandLine, "Missing required options: --run-id and --stage-id");
    }
    if (!stageId.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new picocli.CommandLine.ParameterException(
          commandLine,
          "--stage-id '"
              + stageId
              + "' is not a stage id (lower-case letters, digits and '-', at most 63)");
    }
    if (attempt != null && attempt < 1) {
      throw new picocli.CommandLine.ParameterException(
          commandLine, "--attempt must be at least 1, was " + attempt);
    }
  }

  StageEnvironment.Overrides overrides() {
    return new StageEnvironment.Overrides(runId, stageId, attempt);
  }
}
