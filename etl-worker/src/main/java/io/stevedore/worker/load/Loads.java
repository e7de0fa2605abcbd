package io.stevedore.worker.load;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;
import java.util.ServiceLoader;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes a stage's rows, already a DuckDB view or table, to its load target: a Postgres table
 * ({@code COPY}, append, overwrite or merge), a table of any JDBC database (batched inserts, append
 * or overwrite), or the S3 lake (partitioned Parquet published by a manifest). Each load happens at
 * most once per run and stage: a retried attempt after a committed load writes nothing.
 */
@ApplicationScoped
public class Loads {

  /** The connection a table load uses when its target names none. */
  public static final String DEFAULT_CONNECTION = "warehouse";

  private final WorkerConnections connections;
  private final LakeLoader lake;

  @Inject
  public Loads(WorkerConnections connections, S3Client s3) {
    this.connections = connections;
    this.lake = new LakeLoader(s3);
  }

  /**
   * Loads the rows of {@code relation} (a view or table of {@code duckdb}) into {@code target}.
   *
   * @throws LoadException when the load cannot be done: an unknown connection, a missing table, a
   *     schema mismatch, a database or S3 error; the message says which and where
   */
  public LoadOutcome load(Connection duckdb, String relation, LoadTarget target, LoadIdentity id) {
    try {
      return switch (target.kind()) {
        case S3 -> lake.load(duckdb, relation, target, id);
        case POSTGRES -> {
          WorkerConnections.Connection settings = settings(target);
          if (!settings.url().startsWith("jdbc:postgresql:")) {
            throw new InvalidTargetException(
                "connection '"
                    + target.connectionName()
                    + "' is not a Postgres URL (jdbc:postgresql:...); use a jdbc target for"
                    + " other databases");
          }
          try (Connection pg = open(target.connectionName(), settings, id)) {
            yield new PostgresLoader().load(duckdb, relation, target, id, pg, location(target));
          }
        }
        case JDBC -> {
          WorkerConnections.Connection settings = settings(target);
          try (Connection db = open(target.connectionName(), settings, id)) {
            yield new JdbcLoader().load(duckdb, relation, target, id, db, location(target));
          }
        }
      };
    } catch (SQLException e) {
      throw new LoadException("loading into " + where(target) + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new LoadException(
          "loading into " + where(target) + " failed on a local file: " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new LoadException("loading into " + where(target) + " failed: " + e.getMessage(), e);
    }
  }

  private static String location(LoadTarget target) {
    return target.connectionName() + ":" + TableName.parse(target.table());
  }

  private static String where(LoadTarget target) {
    return target.kind() == LoadTarget.Kind.S3
        ? target.uri()
        : "table " + target.table() + " of connection '" + target.connectionName() + "'";
  }

  private WorkerConnections.Connection settings(LoadTarget target) {
    TableName.parse(target.table());
    WorkerConnections.Connection settings = connections.all().get(target.connectionName());
    if (settings == null) {
      String name = target.connectionName();
      throw new InvalidTargetException(
          "no connection named '"
              + name
              + "': set stevedore.worker.connections."
              + name
              + ".url (environment STEVEDORE_WORKER_CONNECTIONS_"
              + name.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_")
              + "_URL)");
    }
    return settings;
  }

  /**
   * Opens a connection with the driver that accepts its URL, looked up as a service with the
   * context class loader (not through DriverManager, which keeps the drivers of whichever class
   * loader called it first).
   */
  private static Connection open(
      String name, WorkerConnections.Connection settings, LoadIdentity id) throws SQLException {
    Properties props = new Properties();
    settings.user().ifPresent(u -> props.setProperty("user", u));
    settings.password().ifPresent(p -> props.setProperty("password", p));
    if (settings.url().startsWith("jdbc:postgresql:")) {
      props.setProperty("ApplicationName", "stevedore-load " + id.runId() + " " + id.stageId());
    }
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      for (Driver driver : ServiceLoader.load(Driver.class, loader)) {
        if (driver.acceptsURL(settings.url())) {
          Connection c = driver.connect(settings.url(), props);
          if (c != null) {
            return c;
          }
        }
      }
      String url = settings.url();
      int scheme = url.indexOf(':', url.indexOf(':') + 1);
      throw new InvalidTargetException(
          "no JDBC driver on the worker's classpath accepts the URL of connection '"
              + name
              + "' ("
              + (scheme > 0 ? url.substring(0, scheme + 1) : "not a jdbc: URL")
              + "...)");
    } catch (SQLException e) {
      throw new LoadException("cannot connect to connection '" + name + "': " + e.getMessage(), e);
    }
  }
}
