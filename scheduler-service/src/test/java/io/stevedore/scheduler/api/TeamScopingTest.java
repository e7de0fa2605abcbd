package io.stevedore.scheduler.api;

import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.scheduler.Teams;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Team B cannot read, list, run, cancel or archive team A's pipelines or runs: 404, never 403. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class TeamScopingTest {

  @Test
  void anotherTeamSeesNothingAndChangesNothing() {
    Teams.Team a = Teams.create("alpha");
    Teams.Team b = Teams.create("beta");
    a.as()
        .contentType("application/yaml")
        .body(
            Teams.spec(a.name(), "secret", "{ cron: \"0 2 * * *\", timezone: UTC, catchup: skip }"))
        .post("/api/v1/pipelines")
        .then()
        .statusCode(201);
    String run =
        a.as()
            .contentType("application/json")
            .body(Map.of())
            .post("/api/v1/pipelines/secret/runs")
            .then()
            .statusCode(201)
            .extract()
            .path("id");

    b.as().get("/api/v1/pipelines/secret").then().statusCode(404);
    b.as().get("/api/v1/pipelines/secret/versions/1").then().statusCode(404);
    b.as().get("/api/v1/pipelines/secret/diff?from=1&to=1").then().statusCode(404);
    b.as().get("/api/v1/pipelines").then().statusCode(200).body("items", hasSize(0));
    b.as()
        .contentType("application/json")
        .body(Map.of())
        .post("/api/v1/pipelines/secret/runs")
        .then()
        .statusCode(404);
    b.as().get("/api/v1/runs/" + run).then().statusCode(404);
    b.as().get("/api/v1/runs").then().statusCode(200).body("items", hasSize(0));
    b.as()
        .contentType("application/json")
        .body(Map.of())
        .post("/api/v1/runs/" + run + "/cancel")
        .then()
        .statusCode(404);
    b.as()
        .contentType("application/json")
        .body(Map.of())
        .post("/api/v1/runs/" + run + "/rerun")
        .then()
        .statusCode(404);
    b.as().get("/api/v1/pipelines/secret/schedule").then().statusCode(404);
    b.as().post("/api/v1/pipelines/secret/schedule/pause").then().statusCode(404);
    b.as()
        .contentType("application/json")
        .body(Map.of("from", "2026-01-01", "to", "2026-01-02"))
        .post("/api/v1/pipelines/secret/backfills")
        .then()
        .statusCode(404);
    b.as().delete("/api/v1/pipelines/secret").then().statusCode(404);
    // B's spec naming A's team is refused, not stored under A
    b.as()
        .contentType("application/yaml")
        .body(Teams.spec(a.name(), "secret", null))
        .put("/api/v1/pipelines/secret")
        .then()
        .statusCode(422);

    // A still has everything, unchanged
    a.as().get("/api/v1/pipelines/secret").then().statusCode(200);
    a.as().get("/api/v1/pipelines/secret/schedule").then().statusCode(200);
    a.as()
        .get("/api/v1/runs/" + run)
        .then()
        .statusCode(200)
        .body("status", org.hamcrest.Matchers.equalTo("QUEUED"));
    a.as().get("/api/v1/runs").then().body("items", hasSize(1));
  }

  @Test
  void everyTeamEndpointNeedsAKey() {
    io.restassured.RestAssured.given().get("/api/v1/pipelines").then().statusCode(401);
    io.restassured.RestAssured.given().get("/api/v1/runs").then().statusCode(401);
    io.restassured.RestAssured.given()
        .contentType("application/json")
        .body("{}")
        .post("/api/v1/pipelines/x/runs")
        .then()
        .statusCode(401);
    io.restassured.RestAssured.given().get("/api/v1/pipelines/x/schedule").then().statusCode(401);
  }
}
