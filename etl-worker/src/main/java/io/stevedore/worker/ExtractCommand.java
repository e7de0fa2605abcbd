package io.stevedore.worker;

import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Reads a source and writes it as Parquet to the stage's intermediate location. */
@Command(
    name = "extract",
    mixinStandardHelpOptions = true,
    description = "Read a source and write it to the stage's output as Parquet.")
class ExtractCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin StageOptions stage;

  @Option(
      names = "--source",
      required = true,
      description = "The source, such as s3://raw/flights/2024-01-01.parquet.")
  URI source;

  @Option(
      names = "--format",
      required = true,
      description = "The source's format: ${COMPLETION-CANDIDATES}.")
  DataFormat format;

  @Option(
      names = "--output",
      required = true,
      description = "Where the result goes, such as s3://stevedore-stages/<run>/<stage>/.")
  URI output;

  @Override
  public Integer call() {
    stage.check(spec.commandLine());
    Uris.requireS3(spec.commandLine(), "--source", source);
    Uris.requireS3(spec.commandLine(), "--output", output);
    return NotYetImplemented.report(spec.commandLine().getErr(), "extract", stage);
  }
}
