package io.stevedore.worker.engine;

import io.stevedore.worker.stage.InvalidStageException;
import io.stevedore.worker.stage.StageFailedException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.microprofile.config.Config;

/**
 * The worker's database connections by name: {@code stevedore.worker.connections.<name>.url},
 * {@code .user} and {@code .password} (environment {@code STEVEDORE_WORKER_CONNECTIONS_<NAME>_URL}
 * and so on). A source without a connection uses {@value #DEFAULT}. Passwords are never logged.
 */
@ApplicationScoped
public class Connections {

  /** The connection of a source or target that names none. */
  public static final String DEFAULT = "warehouse";

  private final Config config;

  Connections(Config config) {
    this.config = config;
  }

  /** Opens the connection {@code name} ({@value #DEFAULT} when null). */
  public Connection open(String name) {
    String n = name == null || name.isBlank() ? DEFAULT : name.trim();
    if (!n.matches("[a-z][a-z0-9_-]{0,62}")) {
      throw new InvalidStageException("'" + n + "' is not a connection name");
    }
    String prefix = "stevedore.worker.connections." + n + ".";
    String url =
        value(prefix + "url")
            .orElseThrow(
                () ->
                    new InvalidStageException(
                        "connection '"
                            + n
                            + "' is not configured: set "
                            + prefix
                            + "url (environment STEVEDORE_WORKER_CONNECTIONS_"
                            + n.toUpperCase(java.util.Locale.ROOT).replace('-', '_')
                            + "_URL), and user and password if the URL has none"));
    Properties props = new Properties();
    value(prefix + "user").ifPresent(u -> props.setProperty("user", u));
    value(prefix + "password").ifPresent(p -> props.setProperty("password", p));
    try {
      return DriverManager.getConnection(url, props);
    } catch (SQLException e) {
      throw new StageFailedException(
          "cannot connect to connection '" + n + "' (" + redact(url) + "): " + e.getMessage(), e);
    }
  }

  private Optional<String> value(String key) {
    return config.getOptionalValue(key, String.class).filter(v -> !v.isBlank());
  }

  /** The URL without a password parameter. */
  private static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
