package io.stevedore.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * The worker's settings ({@code stevedore.worker.*}; environment {@code STEVEDORE_WORKER_*}).
 * Database connections are read by name from {@code stevedore.worker.connections.<name>.url},
 * {@code .user} and {@code .password} (see {@link io.stevedore.worker.engine.Connections}).
 */
@ConfigMapping(prefix = "stevedore.worker")
public interface WorkerConfig {

  /** The bucket of intermediate stage outputs: {@code s3://<bucket>/runs/<run>/<stage>/}. */
  @WithDefault("stevedore-stages")
  String stagesBucket();

  /** Rows fetched per round trip from a database source. */
  @WithDefault("10000")
  int fetchSize();

  /** Where inputs are downloaded and outputs written before upload; default the temp dir. */
  Optional<String> workDir();

  /** DuckDB's memory limit, such as {@code 1GB}; default DuckDB's (80% of the RAM). */
  Optional<String> memoryLimit();

  /** DuckDB's threads; default one per core. */
  Optional<Integer> threads();
}
