package io.stevedore.worker;

import io.stevedore.worker.engine.Inputs;
import io.stevedore.worker.engine.StageLocations;
import io.stevedore.worker.engine.Transformer;
import io.stevedore.worker.stage.InvalidStageException;
import io.stevedore.worker.storage.S3Location;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Runs the stage's SQL over its inputs. With {@code STEVEDORE_STAGE_SPEC}, the inputs are the
 * stages it depends on (named by the rule in {@link Inputs}) and the SQL is the spec's; {@code
 * --input} and {@code --sql} replace them.
 */
@Command(
    name = "transform",
    mixinStandardHelpOptions = true,
    description = "Run SQL over named inputs and write the result to the stage's output.")
class TransformCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin StageOptions stage;

  @Option(
      names = "--input",
      paramLabel = "NAME=URI",
      description =
          "An input table the SQL refers to by NAME, such as flights=s3://stages/r/s/; default the"
              + " outputs of the spec's dependsOn.")
  Map<String, URI> inputs;

  @Option(names = "--sql", description = "The query (DuckDB SQL); default the spec's sql.")
  String sql;

  @Option(
      names = "--output",
      description =
          "Where the result goes; default s3://<stages-bucket>/runs/<run>/<stage>/data.parquet.")
  URI output;

  @Inject StageRunner runner;

  @Inject Transformer transformer;

  @Inject Inputs inputLocations;

  @Inject StageLocations locations;

  @Override
  public Integer call() {
    var cl = spec.commandLine();
    if (sql != null && sql.isBlank()) {
      throw new ParameterException(cl, "--sql is empty");
    }
    if (inputs != null) {
      inputs.forEach(
          (name, uri) -> {
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
              throw new ParameterException(
                  cl, "--input name '" + name + "' is not an SQL identifier");
            }
            Uris.requireS3(cl, "--input " + name, uri);
          });
    }
    if (output != null) {
      Uris.requireS3(cl, "--output", output);
    }
    return runner.run(
        cl,
        "transform",
        stage,
        context -> {
          String query = sql != null ? sql : context.spec() == null ? null : context.spec().sql();
          if (query == null) {
            throw new InvalidStageException(
                "no SQL: pass --sql, or set STEVEDORE_STAGE_SPEC to a transform stage with sql");
          }
          Map<String, List<String>> views = new LinkedHashMap<>();
          Map<String, String> uris = new LinkedHashMap<>();
          if (inputs != null) {
            inputs.forEach(
                (name, uri) -> {
                  views.put(name, List.of(name));
                  uris.put(name, uri.toString());
                });
          } else {
            List<String> dependsOn =
                context.spec() == null ? List.of() : context.spec().dependsOn();
            views.putAll(Inputs.viewNames(dependsOn));
            dependsOn.forEach(id -> uris.put(id, inputLocations.uriOf(context, id)));
          }
          S3Location target =
              output != null
                  ? S3Location.parse(output.toString(), "--output")
                  : locations.defaultOutput(context.runId(), context.stageId());
          return transformer.transform(context, views, uris, query, target);
        });
  }
}
