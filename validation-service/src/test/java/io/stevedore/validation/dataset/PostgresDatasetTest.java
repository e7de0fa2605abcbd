package io.stevedore.validation.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.stevedore.common.auth.ApiKeys;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.S3Resource;
import io.stevedore.testing.SqsResource;
import io.stevedore.validation.Fixtures;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Postgres tables as datasets ({@code postgres://lake/<schema>.<table>}, the source configured in
 * the test properties as the embedded test database): read through JDBC into DuckDB, checked like
 * any dataset, counts compared with queries on Postgres itself.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(S3Resource.class)
class PostgresDatasetTest {

  @Inject ApiKeys keys;
  @Inject S3Client s3;
  @Inject DataSource dataSource;

  Fixtures.Team team;
  String schema;

  @BeforeEach
  void setUp() throws Exception {
    Fixtures.buckets(s3);
    team = Fixtures.team(keys, "pg");
    schema = "lake_" + UUID.randomUUID().toString().substring(0, 8);
    // a mixed-case table name and a column name with a space: only quoted identifiers reach them
    sql(
        "create schema " + schema,
        "create table "
            + schema
            + ".\"Orders\" (id bigint primary key, customer text, amount numeric(10, 2),"
            + " placed date, shipped_at timestamptz, paid boolean, \"unit price\" double precision,"
            + " qty int, code varchar(5))",
        "insert into "
            + schema
            + ".\"Orders\" select g, case when g % 10 = 0 then null else 'Zoë ' || g end,"
            + " case when g % 7 = 0 then -g else g * 1.25 end, date '2026-01-01' + g,"
            + " timestamptz '2026-01-01 00:00:00+00' + g * interval '1 hour', g % 2 = 0,"
            + " g / 3.0, g % 4, lpad((g % 1000)::text, 5, '0') from generate_series(1, 50) g");
  }

  @Test
  void validatesATableReadThroughJdbc() throws Exception {
    team.as()
        .contentType("application/yaml")
        .body(
            """
            dataset: orders
            format: parquet
            allowExtraColumns: true
            checks:
              - type: schema
                columns:
                  - {name: id, type: BIGINT, nullable: false}
                  - {name: amount, type: "DECIMAL(10,2)"}
                  - {name: placed, type: DATE}
                  - {name: shipped_at, type: TIMESTAMPTZ}
                  - {name: paid, type: BOOLEAN}
                  - {name: unit price, type: DOUBLE}
                  - {name: qty, type: INTEGER}
              - {type: completeness, column: customer}
              - {name: positive, type: range, column: amount, min: 0}
              - {type: pattern, column: code, regex: "^[0-9]{5}$"}
              - {type: rowCount, min: 50, max: 50}
              - {type: aggregate, sql: "sum(qty)", min: 0, max: 1000}
            """)
        .post("/api/v1/suites")
        .then()
        .statusCode(201);

    JsonPath result =
        team.as()
            .contentType("application/json")
            .body(Map.of("suite", "orders", "datasetUri", "postgres://lake/" + schema + ".Orders"))
            .post("/api/v1/validations")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();

    long nulls = count("select count(*) from " + schema + ".\"Orders\" where customer is null");
    long negative = count("select count(*) from " + schema + ".\"Orders\" where amount < 0");
    long qty = count("select sum(qty) from " + schema + ".\"Orders\"");
    assertThat(nulls).isEqualTo(5);
    assertThat(negative).isEqualTo(7);
    assertThat(result.getLong("rowCount")).isEqualTo(50);
    assertThat(result.getBoolean("checks.find { it.type == 'schema' }.passed"))
        .as(result.prettify())
        .isTrue();
    assertThat(result.getLong("checks.find { it.name == 'completeness(customer)' }.failedRows"))
        .isEqualTo(nulls);
    assertThat(result.getLong("checks.find { it.name == 'positive' }.failedRows"))
        .isEqualTo(negative);
    assertThat(result.getBoolean("checks.find { it.type == 'pattern' }.passed")).isTrue();
    assertThat(result.getBoolean("checks.find { it.type == 'rowCount' }.passed")).isTrue();
    assertThat(result.getString("checks.find { it.type == 'aggregate' }.observed"))
        .isEqualTo(String.valueOf((double) qty));
    // unicode survives the copy
    assertThat(result.getList("checks.find { it.name == 'positive' }.samples.row.customer"))
        .contains("Zoë 7");
    assertThat(result.getString("datasetUri")).isEqualTo("postgres://lake/" + schema + ".Orders");
  }

  @Test
  void anUnknownSourceOrTableIsA422NamingIt() {
    team.as()
        .contentType("application/yaml")
        .body("dataset: orders\nchecks:\n  - {type: rowCount, min: 1}\n")
        .post("/api/v1/suites")
        .then()
        .statusCode(201);
    team.as()
        .contentType("application/json")
        .body(Map.of("suite", "orders", "datasetUri", "postgres://nowhere/public.orders"))
        .post("/api/v1/validations")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("datasetUri"))
        .body("detail", containsString("postgres source 'nowhere'"));
    team.as()
        .contentType("application/json")
        .body(Map.of("suite", "orders", "datasetUri", "postgres://lake/" + schema + ".orders"))
        .post("/api/v1/validations")
        .then()
        .statusCode(422)
        .body("detail", containsString("table " + schema + ".orders does not exist"));
    // a table name is looked up with bind parameters and never becomes SQL
    String hostile =
        "postgres://lake/" + schema + ".Orders\"; drop schema " + schema + " cascade; --";
    team.as()
        .contentType("application/json")
        .body(Map.of("suite", "orders", "datasetUri", hostile))
        .post("/api/v1/validations")
        .then()
        .statusCode(422)
        .body("detail", containsString("does not exist"));
    assertThat(count("select count(*) from " + schema + ".\"Orders\"")).isEqualTo(50);
    team.as()
        .contentType("application/json")
        .body(Map.of("suite", "orders", "datasetUri", "postgres://lake"))
        .post("/api/v1/validations")
        .then()
        .statusCode(422)
        .body("detail", containsString("postgres://<source>/<schema>.<table>"));
  }

  private void sql(String... statements) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private long count(String sql) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
