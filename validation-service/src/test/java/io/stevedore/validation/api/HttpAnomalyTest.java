package io.stevedore.validation.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.stevedore.common.auth.ApiKeys;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.S3Resource;
import io.stevedore.testing.SqsResource;
import io.stevedore.validation.Fixtures;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** Anomaly checks declared in a suite, on any metric, judged against the dataset's history. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(S3Resource.class)
class HttpAnomalyTest {

  static final String SUITE =
      """
      dataset: readings
      format: csv
      checks:
        - {type: rowCount, min: 1}
        - {name: mean-value, type: anomaly, metric: "avg(v)", minResults: 3, window: 10}
        - {type: anomaly, metric: rowCount, minResults: 3, maxZScore: 2, severity: fail}
      """;

  @Inject ApiKeys keys;
  @Inject S3Client s3;

  Fixtures.Team team;
  int run;

  @BeforeEach
  void setUp() {
    Fixtures.buckets(s3);
    team = Fixtures.team(keys, "anomaly");
  }

  JsonPath validate(int rows, double mean) {
    StringBuilder csv = new StringBuilder("id,v\n");
    for (int i = 0; i < rows; i++) {
      // values mean-1, mean, mean+1 in turn: the average is the mean when rows is a multiple of 3
      csv.append(i).append(',').append(mean + (i % 3) - 1).append('\n');
    }
    String uri = Fixtures.upload(s3, team.name() + "/readings-" + run++ + ".csv", csv.toString());
    return team.as()
        .contentType("application/json")
        .body(Map.of("suite", "readings", "datasetUri", uri))
        .post("/api/v1/validations")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath();
  }

  @Test
  void judgesAChosenMetricAgainstItsRecentValues() {
    team.as()
        .contentType("application/yaml")
        .body(SUITE)
        .post("/api/v1/suites")
        .then()
        .statusCode(201);

    double[] usual = {10.0, 10.5, 9.5};
    for (int i = 0; i < usual.length; i++) {
      JsonPath r = validate(30, usual[i]);
      assertThat(r.getString("verdict")).isEqualTo("PASS");
      assertThat(r.getString("checks.find { it.name == 'mean-value' }.observed"))
          .isEqualTo(
              "avg(v) = "
                  + (usual[i] == 10.0 ? "10" : String.format("%.4f", usual[i]))
                  + "; "
                  + i
                  + " earlier results, 3 needed: not judged yet");
      assertThat(r.getDouble("checks.find { it.name == 'mean-value' }.value")).isEqualTo(usual[i]);
    }

    // within the spread of the history: passes, now judged
    JsonPath ok = validate(30, 10.2);
    assertThat(ok.getString("verdict")).isEqualTo("PASS");
    assertThat(ok.getString("checks.find { it.name == 'mean-value' }.observed"))
        .startsWith("avg(v) = 10.2000; last 3 results: mean 10.0, stddev 0.5; z-score 0.40");

    // the mean jumps: the warn-severity anomaly fails, the row count is as usual
    JsonPath jump = validate(30, 50);
    assertThat(jump.getString("verdict")).isEqualTo("WARN");
    assertThat(jump.getBoolean("checks.find { it.name == 'mean-value' }.passed")).isFalse();
    assertThat(jump.getDouble("checks.find { it.name == 'mean-value' }.passRatio")).isZero();
    assertThat(jump.getBoolean("checks.find { it.name == 'anomaly(rowCount)' }.passed")).isTrue();
    assertThat(jump.getDouble("score")).isLessThan(100.0);

    // the row count jumps: that anomaly check has severity fail
    JsonPath rows = validate(300, 10);
    assertThat(rows.getString("verdict")).isEqualTo("FAIL");
    assertThat(rows.getBoolean("checks.find { it.name == 'anomaly(rowCount)' }.passed")).isFalse();
    assertThat(rows.getString("checks.find { it.name == 'anomaly(rowCount)' }.observed"))
        .startsWith("rowCount = 300; last 5 results: mean 30.0, stddev 0.0; z-score infinite");

    // the stored result keeps the measured values, which later runs are judged against
    team.as()
        .get("/api/v1/validations/" + rows.getString("id"))
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'anomaly(rowCount)' }.value", equalTo(300.0f));
  }

  @Test
  void rejectsAnomalyChecksThatCannotWork() {
    team.as()
        .contentType("application/yaml")
        .body(
            """
            dataset: readings
            checks:
              - {type: anomaly}
              - {type: anomaly, metric: rowCount, window: 1, minResults: 5000, maxZScore: -1}
              - {type: anomaly, metric: "avg(v); drop table x"}
            """)
        .post("/api/v1/suites")
        .then()
        .statusCode(422)
        .body(
            "errors.field",
            hasItems(
                "checks[0].metric",
                "checks[1].window",
                "checks[1].minResults",
                "checks[1].maxZScore",
                "checks[2].metric"));
  }

  @Test
  void aMetricThatIsNotAnAggregateFailsWithItsError() {
    team.as()
        .contentType("application/yaml")
        .body(
            "dataset: readings\nformat: csv\nchecks:\n"
                + "  - {type: anomaly, metric: \"(select 1)\"}\n"
                + "  - {type: anomaly, metric: \"nosuchfunction(v)\"}\n")
        .post("/api/v1/suites")
        .then()
        .statusCode(201);
    JsonPath r = validate(3, 1);
    assertThat(r.getString("checks[0].error")).isEqualTo("the SQL may not contain subqueries");
    assertThat(r.getString("checks[1].error")).isNotBlank();
    assertThat(r.getBoolean("checks[1].passed")).isFalse();
  }
}
