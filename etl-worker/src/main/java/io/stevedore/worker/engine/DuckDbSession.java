package io.stevedore.worker.engine;

import io.stevedore.worker.config.WorkerConfig;
import io.stevedore.worker.stage.StageFailedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One stage attempt's in-memory DuckDB database and its scratch directory (downloads, the output
 * file, DuckDB's spill files). Closing it deletes the directory.
 */
public final class DuckDbSession implements AutoCloseable {

  private final Path dir;
  private final WorkerConfig config;
  private final FailureMessages messages = new FailureMessages();
  private Connection connection;

  private DuckDbSession(Path dir, WorkerConfig config) {
    this.dir = dir;
    this.config = config;
  }

  /**
   * Starts loading DuckDB's native library (unpacked from its jar, a few hundred milliseconds) on a
   * daemon thread, so it overlaps the downloads; {@link #open} then finds it loaded.
   */
  static void warmUp() {
    Thread t =
        new Thread(
            () -> {
              try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
                // loaded
              } catch (SQLException | RuntimeException e) {
                // open() reports it when it matters
              }
            },
            "duckdb-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /**
   * A fresh session in a new scratch directory. DuckDB's library starts loading now ({@link
   * #warmUp}) and the database opens on first use, so inputs download while the library loads.
   */
  public static DuckDbSession open(WorkerConfig config, String stageId) {
    Path dir;
    try {
      Path base = Path.of(config.workDir().orElse(System.getProperty("java.io.tmpdir")));
      Files.createDirectories(base);
      dir = Files.createTempDirectory(base, "stevedore-" + stageId + "-");
    } catch (IOException e) {
      throw new StageFailedException("cannot create a work directory: " + e.getMessage(), e);
    }
    warmUp();
    return new DuckDbSession(dir, config);
  }

  /** The JDBC connection to the database, opened on first use. */
  public synchronized Connection connection() {
    if (connection != null) {
      return connection;
    }
    try {
      Connection c = DriverManager.getConnection("jdbc:duckdb:");
      try (Statement s = c.createStatement()) {
        s.execute("SET temp_directory = " + Sql.literal(dir.resolve("spill").toString()));
        s.execute("SET enable_progress_bar = false");
        if (config.memoryLimit().isPresent()) {
          s.execute("SET memory_limit = " + Sql.literal(config.memoryLimit().get()));
        }
        if (config.threads().isPresent()) {
          s.execute("SET threads = " + config.threads().get());
        }
      }
      connection = c;
      return c;
    } catch (SQLException e) {
      throw new StageFailedException("cannot start DuckDB: " + e.getMessage(), e);
    }
  }

  /** A path inside the scratch directory. */
  public Path path(String name) {
    return dir.resolve(name);
  }

  /** Failure messages name the S3 object instead of this local file. */
  public void nameFile(Path local, String remote) {
    messages.alias(local.toString(), remote);
  }

  /** Runs a statement; a failure becomes a {@link StageFailedException} with a clean message. */
  public void execute(String what, String sql) {
    try (Statement s = connection().createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** The single number a query returns. */
  public long count(String what, String sql) {
    try (Statement s = connection().createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** The columns (name, DuckDB type) of a relation or query. */
  public List<Column> describe(String what, String relationOrQuery) {
    List<Column> columns = new ArrayList<>();
    try (Statement s = connection().createStatement();
        ResultSet rs = s.executeQuery("DESCRIBE " + relationOrQuery)) {
      while (rs.next()) {
        columns.add(new Column(rs.getString("column_name"), rs.getString("column_type")));
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
    return columns;
  }

  /** {@code text} with local file paths replaced by the S3 objects they came from. */
  public String cleanMessage(String text) {
    return messages.clean(text);
  }

  /** A user-facing failure: {@code what: <DuckDB's message, cleaned>}. */
  public StageFailedException failure(String what, SQLException e) {
    return new StageFailedException(what + ": " + messages.clean(e.getMessage()), e);
  }

  @Override
  public synchronized void close() {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException e) {
      // the process ends anyway; the directory goes below
    }
    deleteQuietly(dir);
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a temp directory
    }
  }
}
