package io.stevedore.worker;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import io.stevedore.worker.stream.StreamCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The stage container's entry point: one invocation runs one attempt of one stage. Without a
 * subcommand it prints its usage and exits 0.
 */
@TopCommand
@Command(
    name = "etl-worker",
    mixinStandardHelpOptions = true,
    versionProvider = WorkerVersion.class,
    description = "Runs one attempt of one Stevedore pipeline stage.",
    subcommands = {
      ExtractCommand.class,
      TransformCommand.class,
      LoadCommand.class,
      ValidateCommand.class,
      StreamCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 success, 1 the stage failed, 2 invalid arguments or an operation this build"
          + " cannot run yet."
    })
public class WorkerCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
