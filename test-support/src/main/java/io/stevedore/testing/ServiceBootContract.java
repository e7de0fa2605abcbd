package io.stevedore.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every Stevedore service proves at boot: readiness with the database and SQS checks UP,
 * liveness, Prometheus metrics, the OpenAPI document, Swagger UI, and its own schema migrated
 * beside {@code jobs}. A service's {@code *BootTest} extends it (with {@code @QuarkusTest} and the
 * Postgres and SQS resources) and names its schema and a table of it.
 */
public abstract class ServiceBootContract {

  /** The service's own schema, such as {@code scheduler}. */
  protected abstract String ownSchema();

  /** Tables that the service's migrations create in its schema. */
  protected abstract List<String> ownTables();

  @Test
  void isReadyOnlyWithDatabaseAndSqsChecksUp() {
    given()
        .when()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItems("Database connections health check", "sqs"))
        .body("checks.status", everyItem(equalTo("UP")));
  }

  @Test
  void isLive() {
    given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void servesPrometheusTextMetricsIncludingJvmMemory() {
    given()
        .accept("text/plain")
        .when()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .contentType(containsString("text/plain"))
        .body(containsString("jvm_memory_used_bytes"));
  }

  @Test
  void servesOpenApiDocument() {
    given()
        .accept("application/json")
        .when()
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("openapi", startsWith("3."));
  }

  @Test
  void servesSwaggerUi() {
    given().when().get("/q/swagger-ui").then().statusCode(200).body(containsString("swagger"));
  }

  @Test
  void migratesOwnSchemaAndJobsAtStart() throws Exception {
    assertThat(tablesOf(ownSchema())).contains("flyway_schema_history").containsAll(ownTables());
    assertThat(tablesOf("jobs")).contains("teams", "api_keys", "pipelines", "runs", "outbox");
  }

  /** The tables of a schema, read through a JDBC connection of the test's own. */
  protected static List<String> tablesOf(String schema) throws Exception {
    List<String> tables = new ArrayList<>();
    try (Connection c =
            DriverManager.getConnection(
                PostgresResource.jdbcUrl(), PostgresResource.USER, PostgresResource.PASSWORD);
        PreparedStatement ps =
            c.prepareStatement(
                "select table_name from information_schema.tables where table_schema = ?")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
    }
    return tables;
  }
}
