package io.stevedore.validation.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.stevedore.common.auth.ApiKeys;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.S3Resource;
import io.stevedore.testing.SqsResource;
import io.stevedore.validation.Fixtures;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** Ad-hoc validations over HTTP of real data in S3 (S3Proxy). */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(S3Resource.class)
class HttpValidationTest {

  @Inject ApiKeys keys;
  @Inject S3Client s3;
  @Inject ObjectMapper mapper;

  Fixtures.Team team;

  @BeforeEach
  void setUp() {
    Fixtures.buckets(s3);
    team = Fixtures.team(keys, "http");
  }

  JsonPath validate(Map<String, Object> body, int status) {
    return team.as()
        .contentType("application/json")
        .body(body)
        .post("/api/v1/validations")
        .then()
        .statusCode(status)
        .extract()
        .jsonPath();
  }

  @Test
  void findsTheAirportsWithoutAStateAndStoresTheReport() throws Exception {
    assertThat(team.saveSuite("airports.yaml")).isEqualTo(201);
    String uri = Fixtures.upload(s3, team.name() + "/airports.csv", Fixtures.data("airports.csv"));

    JsonPath result =
        validate(Map.of("suite", "airports", "datasetUri", uri, "format", "csv"), 201);

    long missing =
        duck(
            "select count(*) from read_csv('"
                + Fixtures.data("airports.csv")
                + "', all_varchar = true) where state is null or state = 'NA'");
    assertThat(missing).isEqualTo(12);
    assertThat(result.getString("verdict")).isEqualTo("FAIL");
    assertThat(result.getLong("rowCount")).isEqualTo(3376);
    assertThat(result.getInt("scansOfData")).isEqualTo(2);
    assertThat(result.getLong("checks.find { it.name == 'completeness(state)' }.failedRows"))
        .isEqualTo(missing);
    assertThat(result.getBoolean("checks.find { it.name == 'completeness(state)' }.passed"))
        .isFalse();
    assertThat(result.getList("checks.find { it.name == 'completeness(state)' }.samples"))
        .hasSize(12);
    assertThat(result.getBoolean("checks.find { it.name == 'unique(iata)' }.passed")).isTrue();
    assertThat(result.getDouble("score")).isBetween(90.0, 100.0);

    // the full report is in the reports bucket
    String reportUri = result.getString("reportUri");
    assertThat(reportUri).startsWith("s3://" + Fixtures.REPORT_BUCKET + "/adhoc/" + team.id());
    String key = reportUri.substring(("s3://" + Fixtures.REPORT_BUCKET + "/").length());
    JsonNode report =
        mapper.readTree(
            s3.getObjectAsBytes(r -> r.bucket(Fixtures.REPORT_BUCKET).key(key)).asByteArray());
    assertThat(report.path("suite").asText()).isEqualTo("airports");
    assertThat(report.path("report").path("rowCount").asLong()).isEqualTo(3376);
    assertThat(report.path("report").path("verdict").asText()).isEqualTo("FAIL");

    // and the result is kept, readable by id and in the dataset's history
    String id = result.getString("id");
    team.as()
        .get("/api/v1/validations/" + id)
        .then()
        .statusCode(200)
        .body("verdict", equalTo("FAIL"))
        .body("reportUri", equalTo(reportUri))
        .body("checks.find { it.name == 'completeness(state)' }.failedRows", equalTo(12));
    team.as()
        .get("/api/v1/validations?dataset=airports")
        .then()
        .statusCode(200)
        .body("items.id", hasItem(id));

    // another team sees neither the result nor the suite
    Fixtures.Team other = Fixtures.team(keys, "http-other");
    other.as().get("/api/v1/validations/" + id).then().statusCode(404);
    other
        .as()
        .contentType("application/json")
        .body(Map.of("suite", "airports", "datasetUri", uri))
        .post("/api/v1/validations")
        .then()
        .statusCode(404)
        .body("detail", equalTo("suite 'airports' not found"));
  }

  @Test
  void zipCodesKeepTheirLeadingZeros() throws Exception {
    assertThat(team.saveSuite("zipcodes.yaml")).isEqualTo(201);
    String uri = Fixtures.upload(s3, team.name() + "/zipcodes.csv", Fixtures.data("zipcodes.csv"));
    JsonPath result = validate(Map.of("suite", "zipcodes", "datasetUri", uri), 201);
    assertThat(result.getLong("rowCount"))
        .isEqualTo(duck("select count(*) from read_csv('" + Fixtures.data("zipcodes.csv") + "')"));
    assertThat(result.getBoolean("checks.find { it.type == 'pattern' }.passed")).isTrue();
    assertThat(result.getLong("checks.find { it.type == 'pattern' }.failedRows")).isZero();
    assertThat(result.getBoolean("checks.find { it.type == 'schema' }.passed")).isTrue();
  }

  @Test
  void readsEveryObjectUnderAPrefix(@TempDir Path dir) throws Exception {
    // a Parquet slice of the flights, in two parts and a _SUCCESS marker
    Path part1 = dir.resolve("part-0.parquet");
    Path part2 = dir.resolve("part-1.parquet");
    String flights = Fixtures.data("flights-3m.parquet").toString();
    duck(
        "copy (select * from read_parquet('"
            + flights
            + "') limit 3000) to '"
            + part1
            + "' (format parquet)");
    duck(
        "copy (select * from read_parquet('"
            + flights
            + "') limit 2000 offset 3000) to '"
            + part2
            + "' (format parquet)");
    String prefix = team.name() + "/flights/2001-01-01/";
    Fixtures.upload(s3, prefix + "part-0.parquet", part1);
    Fixtures.upload(s3, prefix + "part-1.parquet", part2);
    Fixtures.upload(s3, prefix + "_SUCCESS", "");
    team.as()
        .contentType("application/yaml")
        .body(
            """
            dataset: flights
            format: parquet
            checks:
              - {type: completeness, column: origin}
              - {name: delay-may-be-negative, type: range, column: delay, min: -120, max: 1500}
              - {type: rowCount, min: 5000, max: 5000}
            """)
        .post("/api/v1/suites")
        .then()
        .statusCode(201);

    JsonPath result =
        validate(
            Map.of("suite", "flights", "datasetUri", "s3://" + Fixtures.DATA_BUCKET + "/" + prefix),
            201);
    assertThat(result.getLong("rowCount")).isEqualTo(5000);
    assertThat(result.getBoolean("checks.find { it.type == 'rowCount' }.passed")).isTrue();
    assertThat(result.getLong("checks.find { it.name == 'completeness(origin)' }.failedRows"))
        .isZero();
  }

  @Test
  void aMissingObjectIsA422NamingIt() {
    assertThat(team.saveSuite("airports.yaml")).isEqualTo(201);
    String uri = "s3://" + Fixtures.DATA_BUCKET + "/" + team.name() + "/nothing-here.csv";
    team.as()
        .contentType("application/json")
        .body(Map.of("suite", "airports", "datasetUri", uri))
        .post("/api/v1/validations")
        .then()
        .statusCode(422)
        .contentType(containsString("application/problem+json"))
        .body("detail", containsString("dataset object " + uri + " does not exist"))
        .body("errors[0].field", equalTo("datasetUri"))
        .body("errors[0].value", equalTo(uri));
    team.as()
        .contentType("application/json")
        .body(Map.of("suite", "airports", "datasetUri", "s3://no-such-bucket-here/x.csv"))
        .post("/api/v1/validations")
        .then()
        .statusCode(422)
        .body("detail", containsString("bucket 'no-such-bucket-here'"));
    team.as()
        .contentType("application/json")
        .body(Map.of("suite", "airports", "datasetUri", "/tmp/airports.csv"))
        .post("/api/v1/validations")
        .then()
        .statusCode(422)
        .body("detail", containsString("not of the form s3://bucket/key"));
  }

  @Test
  void aSuiteNamingUnknownColumnsIsA422ListingEach() {
    team.as()
        .contentType("application/yaml")
        .body(
            """
            dataset: zipcodes
            format: csv
            checks:
              - {type: completeness, column: zip}
              - {type: pattern, column: zip_code, regex: "^[0-9]{5}$"}
              - {type: unique, columns: [city, country]}
            """)
        .post("/api/v1/suites")
        .then()
        .statusCode(201);
    String uri = Fixtures.upload(s3, team.name() + "/zipcodes.csv", Fixtures.data("zipcodes.csv"));
    team.as()
        .contentType("application/json")
        .body(Map.of("suite", "zipcodes", "datasetUri", uri))
        .post("/api/v1/validations")
        .then()
        .statusCode(422)
        .body("errors", hasSize(2))
        .body("errors[0].field", equalTo("checks[0].column"))
        .body("errors[0].message", equalTo("unknown column 'zip'"))
        .body("errors[1].field", equalTo("checks[2].columns[1]"))
        .body("detail", startsWith("suite 'zipcodes' version 1 does not fit dataset " + uri));
  }

  @Test
  void rejectsMissingFieldsAndUnknownFormats() {
    team.as()
        .contentType("application/json")
        .body(Map.of("format", "csv"))
        .post("/api/v1/validations")
        .then()
        .statusCode(422)
        .body("errors.field", org.hamcrest.Matchers.contains("suite", "datasetUri"));
    assertThat(team.saveSuite("zipcodes.yaml")).isEqualTo(201);
    team.as()
        .contentType("application/json")
        .body(Map.of("suite", "zipcodes", "datasetUri", "s3://x/y.csv", "format", "xlsx"))
        .post("/api/v1/validations")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("format"));
  }

  @Test
  void flagsARowCountFarFromTheDatasetsHistory() {
    team.as()
        .contentType("application/yaml")
        .body("dataset: events\nformat: csv\nchecks:\n  - {type: rowCount, min: 1}\n")
        .post("/api/v1/suites")
        .then()
        .statusCode(201);
    int[] history = {100, 104, 98, 101};
    for (int n : history) {
      String uri = Fixtures.upload(s3, team.name() + "/events-" + n + ".csv", csv(n));
      JsonPath r = validate(Map.of("suite", "events", "datasetUri", uri), 201);
      assertThat(r.getString("verdict")).isEqualTo("PASS");
    }
    // within the history's spread: passes
    String usual = Fixtures.upload(s3, team.name() + "/events-usual.csv", csv(102));
    JsonPath ok = validate(Map.of("suite", "events", "datasetUri", usual), 201);
    assertThat(ok.getBoolean("checks.find { it.type == 'anomaly' }.passed")).isTrue();
    assertThat(ok.getString("verdict")).isEqualTo("PASS");
    // ten times the usual: a warning, and a lower score
    String spike = Fixtures.upload(s3, team.name() + "/events-spike.csv", csv(1000));
    JsonPath warn = validate(Map.of("suite", "events", "datasetUri", spike), 201);
    assertThat(warn.getString("verdict")).isEqualTo("WARN");
    assertThat(warn.getBoolean("checks.find { it.type == 'anomaly' }.passed")).isFalse();
    assertThat(warn.getString("checks.find { it.type == 'anomaly' }.observed"))
        .contains("1000 rows; last 5 results");
    assertThat(warn.getDouble("score")).isLessThan(100.0);
  }

  private static String csv(int rows) {
    StringBuilder sb = new StringBuilder("id,name\n");
    for (int i = 0; i < rows; i++) {
      sb.append(i).append(",n").append(i).append('\n');
    }
    return sb.toString();
  }

  private static long duck(String sql) throws Exception {
    try (Connection c =
            new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
        Statement s = c.createStatement()) {
      if (sql.startsWith("copy")) {
        s.execute(sql);
        return 0;
      }
      try (ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
