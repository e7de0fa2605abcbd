package io.stevedore.worker.load;

import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

/** Small helpers of the load tests: DuckDB inputs over the shared data, and Postgres queries. */
final class Db {

  private Db() {}

  /*
   * Connections come from the drivers themselves, not DriverManager: DriverManager loads its
   * drivers once per JVM, with the class loader of its first caller; called first from a Quarkus
   * test, it would keep only drivers of Quarkus's class loader, and a plain JUnit test run later in
   * the same JVM would find "No suitable driver".
   */

  static Connection duckdb() throws SQLException {
    return duckdb("jdbc:duckdb:");
  }

  static Connection duckdb(String url) throws SQLException {
    return new org.duckdb.DuckDBDriver().connect(url, new Properties());
  }

  static Connection postgres() throws SQLException {
    Properties credentials = new Properties();
    credentials.setProperty("user", PostgresResource.USER);
    credentials.setProperty("password", PostgresResource.PASSWORD);
    return new org.postgresql.Driver().connect(PostgresResource.jdbcUrl(), credentials);
  }

  static String flights() {
    return SharedData.file("flights-3m.parquet").toString();
  }

  static String airports() {
    return SharedData.file("airports.csv").toString();
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Every row of a query, each as its columns' text joined by '|', in the query's order. */
  static List<String> rows(Connection c, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          b.append(i == 1 ? "" : "|").append(rs.getString(i));
        }
        rows.add(b.toString());
      }
    }
    return rows;
  }

  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static LoadIdentity identity(UUID run, String stage, int attempt) {
    return new LoadIdentity(run, stage, UUID.nameUUIDFromBytes((run + stage).getBytes()), attempt);
  }
}
