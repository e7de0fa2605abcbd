package io.stevedore.worker.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The connections' names, read from properties and from the environment as a container gets it. */
class WorkerConnectionsTest {

  @Test
  void readsConnectionsByNameFromTheEnvironmentOverProperties() {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withSources(
                new PropertiesConfigSource(
                    Map.of(
                        "stevedore.worker.connections.warehouse.url",
                        "jdbc:postgresql://127.0.0.1:15432/stevedore",
                        "stevedore.worker.connections.warehouse.user",
                        "postgres"),
                    "application.properties",
                    250))
            .withSources(
                new EnvConfigSource(
                    Map.of(
                        "STEVEDORE_WORKER_CONNECTIONS_WAREHOUSE_URL",
                        "jdbc:postgresql://warehouse.internal:5432/analytics",
                        "STEVEDORE_WORKER_CONNECTIONS_ARCHIVE_URL",
                        "jdbc:duckdb:/data/archive.duckdb"),
                    300) {})
            .withMapping(WorkerConnections.class)
            .build();

    WorkerConnections connections = config.getConfigMapping(WorkerConnections.class);

    assertThat(connections.all()).containsOnlyKeys("warehouse", "archive");
    assertThat(connections.all().get("warehouse").url())
        .isEqualTo("jdbc:postgresql://warehouse.internal:5432/analytics");
    assertThat(connections.all().get("warehouse").user()).contains("postgres");
    assertThat(connections.all().get("warehouse").password()).isEmpty();
    assertThat(connections.all().get("archive").url())
        .isEqualTo("jdbc:duckdb:/data/archive.duckdb");
  }
}
