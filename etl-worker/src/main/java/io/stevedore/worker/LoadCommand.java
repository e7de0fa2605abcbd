package io.stevedore.worker;

import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Writes a stage's input to its target: a Postgres table or an S3 prefix. */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description = "Write an input to a Postgres table or an S3 location.")
class LoadCommand implements Callable<Integer> {

  /** Where a load writes. */
  enum TargetKind {
    POSTGRES,
    S3;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** How a load treats what is already there. */
  enum Mode {
    APPEND,
    OVERWRITE,
    MERGE;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  @Spec CommandSpec spec;

  @Mixin StageOptions stage;

  @Option(names = "--input", required = true, description = "The data to load.")
  URI input;

  @Option(
      names = "--target-kind",
      required = true,
      description = "The target: ${COMPLETION-CANDIDATES}.")
  TargetKind targetKind;

  @Option(names = "--table", description = "postgres: the table, such as analytics.delays.")
  String table;

  @Option(names = "--target", description = "s3: the location, such as s3://lake/delays/.")
  URI target;

  @Option(
      names = "--mode",
      defaultValue = "append",
      description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Mode mode;

  @Option(
      names = "--key",
      split = ",",
      description = "merge: the columns that identify a row, such as state,day.")
  List<String> key;

  @Option(names = "--partition-by", split = ",", description = "s3: partition columns.")
  List<String> partitionBy;

  @Override
  public Integer call() {
    var cl = spec.commandLine();
    stage.check(cl);
    Uris.requireS3(cl, "--input", input);
    switch (targetKind) {
      case POSTGRES -> {
        if (table == null || !table.matches("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?")) {
          throw new ParameterException(
              cl, "a postgres load needs --table schema.table, was '" + table + "'");
        }
        if (target != null || partitionBy != null) {
          throw new ParameterException(
              cl, "--target and --partition-by apply to s3 loads, not postgres");
        }
      }
      case S3 -> {
        if (target == null) {
          throw new ParameterException(cl, "an s3 load needs --target s3://bucket/prefix/");
        }
        Uris.requireS3(cl, "--target", target);
        if (table != null) {
          throw new ParameterException(cl, "--table applies to postgres loads, not s3");
        }
        if (mode == Mode.MERGE) {
          throw new ParameterException(cl, "--mode merge needs a postgres target");
        }
      }
    }
    if (mode == Mode.MERGE && (key == null || key.isEmpty())) {
      throw new ParameterException(cl, "--mode merge needs --key");
    }
    return NotYetImplemented.report(cl.getErr(), "load", stage);
  }
}
