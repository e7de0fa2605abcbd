package io.stevedore.worker;

import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Checks a dataset against a data contract (suite) and writes a report. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Check a dataset against a suite and write the report.")
class ValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin StageOptions stage;

  @Option(names = "--dataset", required = true, description = "The data to check.")
  URI dataset;

  @Option(
      names = "--suite",
      required = true,
      description = "The suite's name, such as flights-contract.")
  String suite;

  @Option(names = "--report", required = true, description = "Where the report goes.")
  URI report;

  @Override
  public Integer call() {
    var cl = spec.commandLine();
    stage.requireExplicit(cl);
    if (!suite.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new ParameterException(cl, "--suite '" + suite + "' is not a suite name");
    }
    Uris.requireS3(cl, "--dataset", dataset);
    Uris.requireS3(cl, "--report", report);
    return NotYetImplemented.report(cl.getErr(), "validate", stage);
  }
}
