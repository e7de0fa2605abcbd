package io.stevedore.worker.engine;

import io.stevedore.worker.load.LoadException;
import io.stevedore.worker.load.LoadIdentity;
import io.stevedore.worker.load.LoadOutcome;
import io.stevedore.worker.load.LoadTarget;
import io.stevedore.worker.load.Loads;
import io.stevedore.worker.stage.InvalidStageException;
import io.stevedore.worker.stage.StageContext;
import io.stevedore.worker.stage.StageFailedException;
import io.stevedore.worker.stage.StageSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.util.Locale;

/**
 * The load targets of {@code io.stevedore.worker.load} behind the engine's {@link TargetLoader}:
 * the spec's target becomes a {@link LoadTarget}, the attempt a {@link LoadIdentity}, and a {@link
 * LoadException} a stage failure (exit 1) with its message.
 */
@ApplicationScoped
class LoadsTargetLoader implements TargetLoader {

  private final Loads loads;

  LoadsTargetLoader(Loads loads) {
    this.loads = loads;
  }

  @Override
  public Loaded load(
      Connection duckdb, String relation, StageSpec.Target target, StageContext context) {
    LoadTarget.Kind kind =
        parse(LoadTarget.Kind.class, "target kind", target.kind(), "postgres, s3 or jdbc");
    LoadTarget.Mode mode =
        target.mode() == null
            ? LoadTarget.Mode.APPEND
            : parse(
                LoadTarget.Mode.class, "load mode", target.mode(), "append, overwrite or merge");
    try {
      LoadOutcome outcome =
          loads.load(
              duckdb,
              relation,
              new LoadTarget(
                  kind,
                  target.table(),
                  target.uri(),
                  mode,
                  target.key(),
                  target.partitionBy(),
                  target.createTable(),
                  target.connection()),
              new LoadIdentity(
                  context.runId(), context.stageId(), context.stageRunId(), context.attempt()));
      return new Loaded(outcome.rows(), outcome.bytes(), outcome.locations());
    } catch (LoadException e) {
      throw new StageFailedException(e.getMessage(), e);
    }
  }

  private static <E extends Enum<E>> E parse(
      Class<E> type, String what, String value, String known) {
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new InvalidStageException("unknown " + what + " '" + value + "'; use " + known);
    }
  }
}
