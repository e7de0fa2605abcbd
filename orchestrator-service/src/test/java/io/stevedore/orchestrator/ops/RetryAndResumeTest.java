package io.stevedore.orchestrator.ops;

import static io.restassured.RestAssured.given;
import static io.stevedore.orchestrator.ops.Stages.EVENT_FUNCTION;
import static io.stevedore.orchestrator.ops.Stages.pipeline;
import static io.stevedore.orchestrator.ops.Stages.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.common.contract.RunRequest;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.orchestrator.Fixtures.Attempt;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.assertj.core.groups.Tuple;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class RetryAndResumeTest {

  @Inject Fixtures fixtures;
  @Inject ObjectMapper mapper;

  UUID team;
  String teamName;
  String key;
  String otherKey;
  Path work;

  @BeforeEach
  void setUp() throws Exception {
    teamName = "retry-" + UUID.randomUUID().toString().substring(0, 8);
    team = fixtures.team(teamName);
    key = fixtures.apiKey(team);
    otherKey = fixtures.apiKey(fixtures.team(teamName + "-b"));
    work = Files.createDirectories(Path.of("target", "ops-work", teamName)).toAbsolutePath();
  }

  String awaitEnd(UUID run) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(fixtures.runStatus(run)));
    return fixtures.runStatus(run);
  }

  /** extract (reports an output and a result) -> transform (fails on its first attempt) -> load. */
  UUID failingChain() {
    String extract =
        EVENT_FUNCTION
            + "ev RESULT ',\"outputs\":{\"data\":\"s3://bucket/extract-'$STEVEDORE_ATTEMPT'\"},"
            + "\"result\":{\"rowsOut\":42,\"schema\":[{\"name\":\"zip\",\"type\":\"VARCHAR\"}]}';"
            + " echo $STEVEDORE_STAGE_ID-$STEVEDORE_ATTEMPT >> "
            + work.resolve("launches")
            + "; sleep 1";
    String transform =
        "echo $STEVEDORE_STAGE_ID-$STEVEDORE_ATTEMPT >> "
            + work.resolve("launches")
            + "; echo \"$STEVEDORE_INPUTS\" > "
            + work
            + "/inputs-$STEVEDORE_ATTEMPT; test \"$STEVEDORE_ATTEMPT\" -ge 2";
    String load = "echo $STEVEDORE_STAGE_ID-$STEVEDORE_ATTEMPT >> " + work.resolve("launches");
    UUID pipeline =
        fixtures.pipeline(
            team,
            pipeline(
                teamName,
                "chain",
                stage("extract", List.of(), extract, null)
                    + stage("transform", List.of("extract"), transform, null)
                    + stage("load", List.of("transform"), load, null)));
    UUID run = fixtures.submit(team, pipeline);
    assertThat(awaitEnd(run)).isEqualTo("FAILED");
    return run;
  }

  @Test
  void resumeRerunsFailedStagesAndDownstreamReusingSucceededOutputs() throws Exception {
    UUID run = failingChain();
    assertThat(fixtures.latest(run))
        .containsEntry("extract", "SUCCEEDED")
        .containsEntry("transform", "FAILED")
        .containsEntry("load", "SKIPPED");

    fixtures.request(RunRequest.Action.RESUME, run, List.of(), "fixed the SQL");
    Awaitility.await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> fixtures.runStatus(run).equals("SUCCEEDED"));

    assertThat(Files.readAllLines(work.resolve("launches")))
        .containsExactly("extract-1", "transform-1", "transform-2", "load-2");
    JsonNode inputs = mapper.readTree(Files.readString(work.resolve("inputs-2")));
    assertThat(inputs.path("extract.data").asText()).isEqualTo("s3://bucket/extract-1");
    assertThat(fixtures.attempts(run))
        .filteredOn(a -> a.stageId().equals("extract"))
        .extracting(Attempt::attempt)
        .containsExactly(1);
    // the result the script sent (curl, no message attributes) is on the extract attempt's row
    assertThat(
            fixtures.text(
                "select result ->> 'rowsOut' || ' ' || (result -> 'schema' -> 0 ->> 'name')"
                    + " || ' ' || (result -> 'schema' -> 0 ->> 'type') from jobs.stage_runs"
                    + " where run_id = ? and stage_id = 'extract'",
                run))
        .isEqualTo("42 zip VARCHAR");
    assertThat(
            fixtures.count(
                "select count(*) from jobs.stage_runs where run_id = ? and result is not null",
                run))
        .isEqualTo(1);
  }

  @Test
  void retriesOneStageThroughTheApiForTheRunsTeamOnly() throws Exception {
    UUID run = failingChain();
    String path = "/api/v1/runs/" + run + "/stages/transform/retry";

    given()
        .header("Authorization", "Bearer " + otherKey)
        .post(path)
        .then()
        .statusCode(404)
        .contentType(containsString("application/problem+json"))
        .body("detail", equalTo("run '" + run + "' not found"));
    given().post(path).then().statusCode(401);
    given()
        .header("Authorization", "Bearer " + key)
        .post("/api/v1/runs/" + run + "/stages/nope/retry")
        .then()
        .statusCode(404)
        .body("detail", equalTo("stage 'nope' not found in run '" + run + "'"));
    assertThat(fixtures.runStatus(run)).isEqualTo("FAILED");

    given()
        .header("Authorization", "Bearer " + key)
        .queryParam("reason", "flaky source")
        .post(path)
        .then()
        .statusCode(202)
        .body("stageId", equalTo("transform"))
        .body("attempt", equalTo(2))
        .body("runStatus", equalTo("RUNNING"));

    Awaitility.await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> fixtures.runStatus(run).equals("SUCCEEDED"));
    assertThat(fixtures.attempts(run))
        .extracting(Attempt::stageId, Attempt::attempt, Attempt::status)
        .containsExactly(
            Tuple.tuple("extract", 1, "SUCCEEDED"),
            Tuple.tuple("load", 1, "SKIPPED"),
            Tuple.tuple("load", 2, "SUCCEEDED"),
            Tuple.tuple("transform", 1, "FAILED"),
            Tuple.tuple("transform", 2, "SUCCEEDED"));
    JsonNode inputs = mapper.readTree(Files.readString(work.resolve("inputs-2")));
    assertThat(inputs.path("extract.data").asText()).isEqualTo("s3://bucket/extract-1");

    // A succeeded run can be rerun from a stage; a stage of a running run that is not failed
    // cannot be retried.
    given()
        .header("Authorization", "Bearer " + key)
        .post("/api/v1/runs/" + run + "/stages/load/retry")
        .then()
        .statusCode(202)
        .body("attempt", equalTo(3));
    assertThat(awaitEnd(run)).isEqualTo("SUCCEEDED");
  }
}
