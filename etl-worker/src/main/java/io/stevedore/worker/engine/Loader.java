package io.stevedore.worker.engine;

import io.stevedore.worker.config.WorkerConfig;
import io.stevedore.worker.stage.StageContext;
import io.stevedore.worker.stage.StageSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/** A load: downloads the single input, registers it as the view {@code input}, and loads it. */
@ApplicationScoped
public class Loader {

  /** The view a load's input is registered as. */
  public static final String INPUT_VIEW = "input";

  private final WorkerConfig config;
  private final Inputs inputs;
  private final TargetLoader targets;

  Loader(WorkerConfig config, Inputs inputs, TargetLoader targets) {
    this.config = config;
    this.inputs = inputs;
    this.targets = targets;
  }

  /**
   * Loads the data at {@code inputUri} (Parquet, an object or a prefix) into {@code target}, its
   * {@code uri} and {@code table} templates rendered.
   */
  public StageWork load(StageContext context, String inputUri, StageSpec.Target target) {
    try (DuckDbSession session = DuckDbSession.open(config, context.stageId())) {
      long bytesIn = inputs.register(session, inputUri, INPUT_VIEW, List.of(INPUT_VIEW));
      long rowsIn =
          session.count(
              "cannot count the rows of the input (" + inputUri + ")",
              "SELECT count(*) FROM " + Sql.identifier(INPUT_VIEW));
      List<Column> schema =
          session.describe("cannot read the input's schema", Sql.identifier(INPUT_VIEW));
      StageSpec.Target rendered =
          new StageSpec.Target(
              target.kind(),
              context.render(target.uri()),
              context.render(target.table()),
              target.format(),
              target.mode(),
              target.key(),
              target.partitionBy(),
              target.connection(),
              target.createTable());
      TargetLoader.Loaded loaded =
          targets.load(session.connection(), INPUT_VIEW, rendered, context);
      Map<String, String> outputs =
          loaded.locations().isEmpty()
              ? Map.of()
              : Map.of(StageWork.DATA, loaded.locations().get(0));
      return new StageWork(outputs, rowsIn, loaded.rows(), bytesIn, loaded.bytes(), schema);
    }
  }
}
