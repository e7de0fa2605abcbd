package io.stevedore.worker.engine;

import io.stevedore.worker.stage.StageContext;
import io.stevedore.worker.stage.StageSpec;
import java.sql.Connection;
import java.util.List;

/**
 * Writes a load's input, already a DuckDB view, to its target (a Postgres or JDBC table, or the S3
 * lake): {@link LoadsTargetLoader}, over the load targets of {@code io.stevedore.worker.load}.
 */
public interface TargetLoader {

  /**
   * Loads the rows of {@code relation} in {@code duckdb} into {@code target}.
   *
   * @throws io.stevedore.worker.stage.StageFailedException when the load fails
   * @throws io.stevedore.worker.stage.InvalidStageException when the target is not usable as given
   */
  Loaded load(Connection duckdb, String relation, StageSpec.Target target, StageContext context);

  /**
   * What a load wrote.
   *
   * @param rows rows written
   * @param bytes bytes sent
   * @param locations where the rows are ({@code connection:table}, or {@code s3://} URIs)
   */
  record Loaded(long rows, long bytes, List<String> locations) {
    public Loaded {
      locations = List.copyOf(locations);
    }
  }
}
