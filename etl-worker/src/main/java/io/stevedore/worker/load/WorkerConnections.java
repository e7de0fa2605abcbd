package io.stevedore.worker.load;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.util.Map;
import java.util.Optional;

/**
 * The databases a load may write to, by name: {@code stevedore.worker.connections.<name>.url},
 * {@code .user}, {@code .password} (environment: {@code STEVEDORE_WORKER_CONNECTIONS_<NAME>_URL}
 * and so on). A load target without a connection uses {@code warehouse}.
 */
@ConfigMapping(prefix = "stevedore.worker.connections")
public interface WorkerConnections {

  /** The connections by name. */
  @WithParentName
  Map<String, Connection> all();

  /** One database. */
  interface Connection {

    /** The JDBC URL, such as {@code jdbc:postgresql://127.0.0.1:15432/stevedore}. */
    String url();

    /** The user, if the URL does not carry it. */
    Optional<String> user();

    /** The password, if the URL does not carry it. Never logged. */
    Optional<String> password();
  }
}
