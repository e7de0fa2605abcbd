package io.stevedore.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Embedded Postgres (zonky, Postgres 17) for Quarkus tests, started once per test JVM. Sets the
 * default datasource to it.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

  public static final String USER = "postgres";
  public static final String PASSWORD = "postgres";

  /** JDBC URL of the shared test database, starting it if needed (also for plain JUnit tests). */
  public static String jdbcUrl() {
    ChildServer pg = ChildServer.get("pg");
    return "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + pg.property("pg.database");
  }

  @Override
  public Map<String, String> start() {
    return Map.of(
        "quarkus.datasource.jdbc.url", jdbcUrl(),
        "quarkus.datasource.username", USER,
        "quarkus.datasource.password", PASSWORD);
  }

  @Override
  public void stop() {
    // shared by every test of this JVM; stopped when the JVM exits
  }
}
