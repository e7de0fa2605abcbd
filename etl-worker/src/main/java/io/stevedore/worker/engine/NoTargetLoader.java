package io.stevedore.worker.engine;

import io.quarkus.arc.DefaultBean;
import io.stevedore.worker.stage.InvalidStageException;
import io.stevedore.worker.stage.StageContext;
import io.stevedore.worker.stage.StageSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;

/** The loader of a build without load targets: it refuses every load (exit 2). */
@DefaultBean
@ApplicationScoped
class NoTargetLoader implements TargetLoader {

  @Override
  public Loaded load(
      Connection duckdb, String relation, StageSpec.Target target, StageContext context) {
    throw new InvalidStageException(
        "this build of etl-worker has no load targets (" + target.kind() + ")");
  }
}
