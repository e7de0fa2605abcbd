package io.stevedore.worker;

import io.stevedore.worker.engine.Extractor;
import io.stevedore.worker.engine.StageLocations;
import io.stevedore.worker.stage.InvalidStageException;
import io.stevedore.worker.stage.StageSpec;
import io.stevedore.worker.storage.S3Location;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Reads a source and writes it as Parquet to the stage's output. The source comes from {@code
 * STEVEDORE_STAGE_SPEC} ({@code source}) or from {@code --source} and {@code --format}.
 */
@Command(
    name = "extract",
    mixinStandardHelpOptions = true,
    description = "Read a source and write it to the stage's output as Parquet.")
class ExtractCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin StageOptions stage;

  @Option(
      names = "--source",
      description =
          "An S3 source, object or prefix, such as s3://raw/flights/2024-01-01.parquet; default the"
              + " spec's source.")
  URI source;

  @Option(
      names = "--format",
      description = "The source's format: ${COMPLETION-CANDIDATES}; default the spec's.")
  DataFormat format;

  @Option(
      names = "--column",
      paramLabel = "NAME=TYPE",
      description = "An explicit column type, such as zip_code=varchar (repeatable).")
  Map<String, String> columns;

  @Option(
      names = "--output",
      description =
          "Where the result goes; default s3://<stages-bucket>/runs/<run>/<stage>/data.parquet.")
  URI output;

  @Inject StageRunner runner;

  @Inject Extractor extractor;

  @Inject StageLocations locations;

  @Override
  public Integer call() {
    var cl = spec.commandLine();
    if (source != null) {
      Uris.requireS3(cl, "--source", source);
    }
    if (output != null) {
      Uris.requireS3(cl, "--output", output);
    }
    return runner.run(
        cl,
        "extract",
        stage,
        context -> {
          StageSpec.Source fromSpec = context.spec() == null ? null : context.spec().source();
          StageSpec.Source src = fromSpec;
          if (source != null) {
            src =
                new StageSpec.Source(
                    "s3",
                    source.toString(),
                    null,
                    format != null
                        ? format.toString()
                        : fromSpec == null ? null : fromSpec.format(),
                    fromSpec == null ? Map.of() : fromSpec.columns(),
                    null);
          } else if (src != null && format != null) {
            src =
                new StageSpec.Source(
                    src.kind(),
                    src.uri(),
                    src.query(),
                    format.toString(),
                    src.columns(),
                    src.connection());
          }
          if (src == null) {
            throw new InvalidStageException(
                "no source: pass --source and --format, or set STEVEDORE_STAGE_SPEC to an extract"
                    + " stage with a source");
          }
          if (columns != null) {
            Map<String, String> merged = new LinkedHashMap<>(src.columns());
            merged.putAll(columns);
            src =
                new StageSpec.Source(
                    src.kind(), src.uri(), src.query(), src.format(), merged, src.connection());
          }
          S3Location target =
              output != null
                  ? S3Location.parse(output.toString(), "--output")
                  : locations.defaultOutput(context.runId(), context.stageId());
          return extractor.extract(context, src, target);
        });
  }
}
