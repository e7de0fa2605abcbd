package io.stevedore.validation.engine;

import io.stevedore.validation.suite.Suite;
import io.stevedore.validation.suite.SuiteParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The shared real data sets, suites from test resources, and independent DuckDB queries. */
final class TestData {

  private TestData() {}

  /** The shared real data sets ({@link io.stevedore.testing.SharedData}). */
  static Path dir() {
    return io.stevedore.testing.SharedData.dir();
  }

  static Path file(String name) {
    return dir().resolve(name);
  }

  /** A suite from {@code src/test/resources/suites/}. */
  static Suite suite(String resource) {
    try (InputStream in = TestData.class.getResourceAsStream("/suites/" + resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no suite resource " + resource);
      }
      return SuiteParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)).orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One number from an independent, hand-written DuckDB query. */
  static long count(String sql) {
    try (Connection c =
            new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  static String path(String name) {
    return "'" + file(name).toString().replace("'", "''") + "'";
  }
}
