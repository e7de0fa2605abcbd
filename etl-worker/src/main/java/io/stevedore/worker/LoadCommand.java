package io.stevedore.worker;

import io.stevedore.worker.engine.Inputs;
import io.stevedore.worker.engine.Loader;
import io.stevedore.worker.stage.InvalidStageException;
import io.stevedore.worker.stage.StageSpec;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Writes a stage's input to its target: a Postgres or JDBC table or an S3 prefix. With {@code
 * STEVEDORE_STAGE_SPEC}, the input is the output of the one stage it depends on and the target is
 * the spec's; {@code --input} and {@code --target-kind} (with its options) replace them.
 */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description = "Write an input to a Postgres or JDBC table or an S3 location.")
class LoadCommand implements Callable<Integer> {

  /** Where a load writes. */
  enum TargetKind {
    POSTGRES,
    S3,
    JDBC;

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

  @Option(
      names = "--input",
      description = "The data to load (Parquet); default the output of the spec's dependsOn.")
  URI input;

  @Option(
      names = "--target-kind",
      description = "The target: ${COMPLETION-CANDIDATES}; default the spec's target.")
  TargetKind targetKind;

  @Option(names = "--table", description = "postgres, jdbc: the table, such as analytics.delays.")
  String table;

  @Option(names = "--target", description = "s3: the location, such as s3://lake/delays/.")
  URI target;

  @Option(names = "--mode", description = "${COMPLETION-CANDIDATES} (default: append).")
  Mode mode;

  @Option(
      names = "--key",
      split = ",",
      description = "merge: the columns that identify a row, such as state,day.")
  List<String> key;

  @Option(names = "--partition-by", split = ",", description = "s3: partition columns.")
  List<String> partitionBy;

  @Option(
      names = "--connection",
      description = "postgres, jdbc: the worker's connection name (default: warehouse).")
  String connection;

  @Option(names = "--create-table", description = "postgres, jdbc: create the table if missing.")
  boolean createTable;

  @Inject StageRunner runner;

  @Inject Loader loader;

  @Inject Inputs inputs;

  @Override
  public Integer call() {
    var cl = spec.commandLine();
    if (input != null) {
      Uris.requireS3(cl, "--input", input);
    }
    if (targetKind != null) {
      checkTargetOptions(cl);
    } else if (table != null
        || target != null
        || mode != null
        || key != null
        || partitionBy != null) {
      throw new ParameterException(
          cl, "--table, --target, --mode, --key and --partition-by need --target-kind");
    }
    return runner.run(
        cl,
        "load",
        stage,
        context -> {
          StageSpec.Target to =
              targetKind != null
                  ? new StageSpec.Target(
                      targetKind.toString(),
                      target == null ? null : target.toString(),
                      table,
                      "parquet",
                      mode == null ? "append" : mode.toString(),
                      key,
                      partitionBy,
                      connection,
                      createTable)
                  : context.spec() == null ? null : context.spec().target();
          if (to == null) {
            throw new InvalidStageException(
                "no target: pass --target-kind and its options, or set STEVEDORE_STAGE_SPEC to a"
                    + " load stage with a target");
          }
          String from;
          if (input != null) {
            from = input.toString();
          } else {
            List<String> dependsOn =
                context.spec() == null ? List.of() : context.spec().dependsOn();
            if (dependsOn.size() != 1) {
              throw new InvalidStageException(
                  "a load reads the output of exactly one stage; it depends on "
                      + dependsOn.size()
                      + (dependsOn.isEmpty() ? " (pass --input)" : ": " + dependsOn));
            }
            from = inputs.uriOf(context, dependsOn.get(0));
          }
          return loader.load(context, from, to);
        });
  }

  private void checkTargetOptions(picocli.CommandLine cl) {
    switch (targetKind) {
      case POSTGRES, JDBC -> {
        if (table == null || !table.matches("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?")) {
          throw new ParameterException(
              cl, "a " + targetKind + " load needs --table schema.table, was '" + table + "'");
        }
        if (target != null || partitionBy != null) {
          throw new ParameterException(
              cl, "--target and --partition-by apply to s3 loads, not " + targetKind);
        }
      }
      case S3 -> {
        if (target == null) {
          throw new ParameterException(cl, "an s3 load needs --target s3://bucket/prefix/");
        }
        Uris.requireS3(cl, "--target", target);
        if (table != null) {
          throw new ParameterException(cl, "--table applies to postgres and jdbc loads, not s3");
        }
        if (mode == Mode.MERGE) {
          throw new ParameterException(cl, "--mode merge needs a postgres target");
        }
      }
    }
    if (mode == Mode.MERGE && (key == null || key.isEmpty())) {
      throw new ParameterException(cl, "--mode merge needs --key");
    }
  }
}
