package io.stevedore.orchestrator.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class StageLogResourceTest {

  @Inject Fixtures fixtures;

  UUID run;
  String key;
  String otherKey;

  @BeforeEach
  void setUp() {
    String name = "logs-" + UUID.randomUUID().toString().substring(0, 8);
    UUID team = fixtures.team(name);
    key = fixtures.apiKey(team);
    otherKey = fixtures.apiKey(fixtures.team(name + "-other"));
    UUID pipeline =
        fixtures.pipeline(
            team,
            "name: talker\nteam: "
                + name
                + "\nstages:\n  - id: talk\n    type: container\n    image: busybox\n"
                + "    command: [\"sh\", \"-c\", \"for i in 1 2 3 4 5; do echo line $i; done;"
                + " echo oops >&2\"]\n");
    run = fixtures.submit(team, pipeline);
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> fixtures.runStatus(run).equals("SUCCEEDED"));
  }

  String path() {
    return "/api/v1/runs/" + run + "/stages/talk/attempts/1/log";
  }

  @Test
  void tailsTheAttemptLogWithStdoutAndStderr() {
    given()
        .header("Authorization", "Bearer " + key)
        .queryParam("tail", 2)
        .get(path())
        .then()
        .statusCode(200)
        .contentType(containsString("text/plain"))
        .body(equalTo("line 5\noops\n"));
    given()
        .header("Authorization", "Bearer " + key)
        .get(path())
        .then()
        .statusCode(200)
        .body(equalTo("line 1\nline 2\nline 3\nline 4\nline 5\noops\n"));
  }

  @Test
  void hidesAnotherTeamsRunAsNotFound() {
    given()
        .header("Authorization", "Bearer " + otherKey)
        .get(path())
        .then()
        .statusCode(404)
        .contentType(containsString("application/problem+json"))
        .body("detail", equalTo("run '" + run + "' not found"));
  }

  @Test
  void answersUnknownAttemptAndBadTailAsProblems() {
    given()
        .header("Authorization", "Bearer " + key)
        .get("/api/v1/runs/" + run + "/stages/talk/attempts/2/log")
        .then()
        .statusCode(404)
        .body("detail", equalTo("stage 'talk' attempt 2 not found in run '" + run + "'"));
    given()
        .header("Authorization", "Bearer " + key)
        .queryParam("tail", 0)
        .get(path())
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("tail"));
  }

  @Test
  void refusesCallsWithoutAKey() {
    given().get(path()).then().statusCode(401);
  }
}
