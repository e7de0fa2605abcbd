package io.stevedore.worker;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Runs the stage's SQL over its named inputs. */
@Command(
    name = "transform",
    mixinStandardHelpOptions = true,
    description = "Run SQL over named inputs and write the result to the stage's output.")
class TransformCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin StageOptions stage;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "NAME=URI",
      description = "An input table the SQL refers to by NAME, such as flights=s3://stages/r/s/.")
  Map<String, URI> inputs;

  @Option(names = "--sql", required = true, description = "The query.")
  String sql;

  @Option(names = "--output", required = true, description = "Where the result goes.")
  URI output;

  @Override
  public Integer call() {
    stage.check(spec.commandLine());
    if (sql.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--sql is empty");
    }
    inputs.forEach(
        (name, uri) -> {
          if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new ParameterException(
                spec.commandLine(), "--input name '" + name + "' is not an SQL identifier");
          }
          Uris.requireS3(spec.commandLine(), "--input " + name, uri);
        });
    Uris.requireS3(spec.commandLine(), "--output", output);
    return NotYetImplemented.report(spec.commandLine().getErr(), "transform", stage);
  }
}
