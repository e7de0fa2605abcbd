package io.stevedore.worker.load;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.stevedore.testing.PostgresResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The load tests' connections: {@code warehouse} is the embedded Postgres, {@code archive} a DuckDB
 * database file (a second database behind plain JDBC).
 */
public class LoadTestResource implements QuarkusTestResourceLifecycleManager {

  static final Path ARCHIVE;

  static {
    try {
      ARCHIVE = Files.createTempDirectory("stevedore-archive-").resolve("archive.duckdb");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Map<String, String> start() {
    return Map.of(
        "stevedore.worker.connections.warehouse.url",
        PostgresResource.jdbcUrl(),
        "stevedore.worker.connections.warehouse.user",
        PostgresResource.USER,
        "stevedore.worker.connections.warehouse.password",
        PostgresResource.PASSWORD,
        "stevedore.worker.connections.archive.url",
        "jdbc:duckdb:" + ARCHIVE,
        "stevedore.worker.connections.elsewhere.url",
        "jdbc:nosuchdb://10.0.0.1/x?password=secret");
  }

  @Override
  public void stop() {
    // the embedded Postgres is shared by the test JVM
  }
}
