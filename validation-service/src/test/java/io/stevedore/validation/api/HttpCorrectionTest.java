package io.stevedore.validation.api;

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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Corrections over HTTP ({@code correct: true}): the corrected dataset and the quarantine file land
 * in S3, the response and the stored result say what changed, and the correction is recorded.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(S3Resource.class)
class HttpCorrectionTest {

  @Inject ApiKeys keys;
  @Inject S3Client s3;
  @Inject DataSource dataSource;

  @TempDir Path dir;

  Fixtures.Team team;
  String uri;

  @BeforeEach
  void setUp() {
    Fixtures.buckets(s3);
    team = Fixtures.team(keys, "fix");
    assertThat(team.saveSuite("airports-corrected.yaml")).isEqualTo(201);
    uri = Fixtures.upload(s3, team.name() + "/airports.csv", Fixtures.data("airports.csv"));
  }

  @Test
  void quarantinesTheAirportsWithoutAStateAndWritesTheCorrectedDataset() throws Exception {
    String csv = Fixtures.data("airports.csv").toString();
    long missing =
        Long.parseLong(
            Fixtures.duck(
                    "select count(*) from read_csv('"
                        + csv
                        + "', all_varchar = true) where state is null or state = 'NA'")
                .get(0));
    long total =
        Long.parseLong(
            Fixtures.duck("select count(*) from read_csv('" + csv + "', all_varchar = true)")
                .get(0));
    long untrimmed =
        Long.parseLong(
            Fixtures.duck(
                    "select count(*) from read_csv('"
                        + csv
                        + "', all_varchar = true) where city <> trim(city)")
                .get(0));

    JsonPath result =
        team.as()
            .contentType("application/json")
            .body(Map.of("suite", "airports", "datasetUri", uri, "correct", true))
            .post("/api/v1/validations")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();

    assertThat(result.getString("verdict")).isEqualTo("FAIL");
    assertThat(result.getLong("correction.inputRows")).isEqualTo(total);
    assertThat(result.getLong("correction.quarantinedRows")).isEqualTo(missing);
    assertThat(result.getLong("correction.correctedRows")).isEqualTo(total - missing);
    assertThat(result.getLong("correction.quarantinedByCheck.'completeness(state)'"))
        .isEqualTo(missing);
    assertThat(result.getString("correction.rules[0].rule")).isEqualTo("trim");
    assertThat(result.getLong("correction.rules[0].rows")).isEqualTo(untrimmed);
    assertThat(result.getString("correction.rules[1].rule")).isEqualTo("dropInvalid");
    assertThat(result.getLong("correction.rules[1].rows")).isEqualTo(missing);

    // the corrected dataset is under the stages bucket, without the rows lacking a state
    String id = result.getString("id");
    String correctedUri = result.getString("correction.correctedUri");
    assertThat(correctedUri)
        .isEqualTo(
            "s3://"
                + Fixtures.STAGES_BUCKET
                + "/adhoc/"
                + team.id()
                + "/airports/"
                + id
                + "/corrected/airports.parquet");
    Path corrected = Fixtures.download(s3, correctedUri, dir);
    assertThat(Fixtures.duck("select count(*) from read_parquet('" + corrected + "')"))
        .containsExactly(String.valueOf(total - missing));
    assertThat(
            Fixtures.duck(
                "select count(*) from read_parquet('" + corrected + "') where state is null"))
        .containsExactly("0");

    // the quarantine file is in the quarantine bucket, each row with its reason
    String quarantineUri = result.getString("correction.quarantineUri");
    assertThat(quarantineUri).startsWith("s3://" + Fixtures.QUARANTINE_BUCKET + "/adhoc/");
    Path quarantine = Fixtures.download(s3, quarantineUri, dir);
    assertThat(
            Fixtures.duck(
                "select distinct array_to_string(list_sort(_failed_checks), ',') from"
                    + " read_parquet('"
                    + quarantine
                    + "')"))
        .containsExactly("completeness(state)");
    assertThat(
            Fixtures.duck(
                "select count(*) from read_parquet('" + quarantine + "') where state is null"))
        .containsExactly(String.valueOf(missing));

    // recorded, and shown with the stored result
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select input_rows, corrected_rows, quarantined_rows, corrected_uri,"
                    + " quarantine_uri, rules ->> 1, dataset from validation.corrections"
                    + " where result_id = ?::uuid")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(total);
        assertThat(rs.getLong(2)).isEqualTo(total - missing);
        assertThat(rs.getLong(3)).isEqualTo(missing);
        assertThat(rs.getString(4)).isEqualTo(correctedUri);
        assertThat(rs.getString(5)).isEqualTo(quarantineUri);
        assertThat(rs.getString(6)).contains("\"dropInvalid\"");
        assertThat(rs.getString(7)).isEqualTo("airports");
      }
    }
    team.as()
        .get("/api/v1/validations/" + id)
        .then()
        .statusCode(200)
        .body("correction.quarantinedRows", equalTo((int) missing))
        .body("correction.correctedUri", equalTo(correctedUri));
  }

  @Test
  void writesTheCorrectedDatasetWhereTheRequestSays() {
    String output = "s3://" + Fixtures.DATA_BUCKET + "/" + team.name() + "/clean/";
    JsonPath result =
        team.as()
            .contentType("application/json")
            .body(Map.of("suite", "airports", "datasetUri", uri, "outputUri", output))
            .post("/api/v1/validations")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    assertThat(result.getString("correction.correctedUri")).isEqualTo(output + "airports.parquet");
    assertThat(
            s3.headObject(
                    r ->
                        r.bucket(Fixtures.DATA_BUCKET).key(team.name() + "/clean/airports.parquet"))
                .contentLength())
        .isPositive();
  }

  @Test
  void withoutCorrectNothingIsCorrected() {
    team.as()
        .contentType("application/json")
        .body(Map.of("suite", "airports", "datasetUri", uri))
        .post("/api/v1/validations")
        .then()
        .statusCode(201)
        .body("correction", org.hamcrest.Matchers.nullValue());
  }

  @Test
  void askingToCorrectWithASuiteWithoutCorrectionsIsA422() {
    assertThat(team.saveSuite("airports.yaml")).isEqualTo(200);
    team.as()
        .contentType("application/json")
        .body(Map.of("suite", "airports", "datasetUri", uri, "correct", true))
        .post("/api/v1/validations")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("correct"))
        .body("detail", equalTo("suite 'airports' version 2 has no corrections to apply"));
  }

  @Test
  void aBadOutputUriIsA422NamingIt() {
    team.as()
        .contentType("application/json")
        .body(Map.of("suite", "airports", "datasetUri", uri, "outputUri", "ftp://x/y"))
        .post("/api/v1/validations")
        .then()
        .statusCode(422)
        .contentType(containsString("application/problem+json"))
        .body("errors[0].field", equalTo("outputUri"))
        .body("errors[0].value", equalTo("ftp://x/y"));
    String missingBucket = "s3://no-such-output-bucket/x/";
    team.as()
        .contentType("application/json")
        .body(Map.of("suite", "airports", "datasetUri", uri, "outputUri", missingBucket))
        .post("/api/v1/validations")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("outputUri"))
        .body("detail", containsString("no-such-output-bucket"));
  }
}
