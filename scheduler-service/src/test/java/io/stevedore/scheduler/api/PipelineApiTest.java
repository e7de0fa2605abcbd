package io.stevedore.scheduler.api;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.scheduler.Teams;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class PipelineApiTest {

  @Test
  void createsFromYamlAndUpdatesIntoNewImmutableVersions() {
    Teams.Team team = Teams.create("pipes");
    String v1 = Teams.spec(team.name(), "daily", null);
    team.as()
        .contentType("application/yaml")
        .body(v1)
        .post("/api/v1/pipelines")
        .then()
        .statusCode(201)
        .header("Location", org.hamcrest.Matchers.endsWith("/api/v1/pipelines/daily"))
        .body("name", equalTo("daily"))
        .body("version", equalTo(1))
        .body("spec.stages", hasSize(2));

    // the same spec again makes no new version
    team.as()
        .contentType("application/yaml")
        .body(v1)
        .post("/api/v1/pipelines")
        .then()
        .statusCode(200)
        .body("version", equalTo(1));

    String v2 = v1.replace("select * from extract", "select count(*) from extract");
    team.as()
        .contentType("application/yaml")
        .body(v2)
        .put("/api/v1/pipelines/daily")
        .then()
        .statusCode(200)
        .body("version", equalTo(2))
        .body("latestVersion", equalTo(2));

    team.as()
        .get("/api/v1/pipelines/daily")
        .then()
        .statusCode(200)
        .body("version", equalTo(2))
        .body("spec.stages[1].sql", equalTo("select count(*) from extract"));
    team.as()
        .get("/api/v1/pipelines/daily/versions/1")
        .then()
        .statusCode(200)
        .body("spec.stages[1].sql", equalTo("select * from extract"));
    team.as()
        .get("/api/v1/pipelines/daily?version=3")
        .then()
        .statusCode(404)
        .body("detail", equalTo("pipeline 'daily' version 3 not found"));

    team.as()
        .get("/api/v1/pipelines/daily/diff?from=1&to=2")
        .then()
        .statusCode(200)
        .body("changes", hasSize(1))
        .body("changes[0].path", equalTo("stages[1].sql"))
        .body("changes[0].op", equalTo("changed"))
        .body("changes[0].to", equalTo("select count(*) from extract"));
  }

  @Test
  void acceptsJsonSpecs() {
    Teams.Team team = Teams.create("json");
    String json =
        "{\"name\":\"j\",\"team\":\""
            + team.name()
            + "\",\"stages\":[{\"id\":\"t\",\"type\":\"transform\",\"sql\":\"select 1\"}]}";
    team.as()
        .contentType("application/json")
        .body(json)
        .post("/api/v1/pipelines")
        .then()
        .statusCode(201)
        .body("spec.stages[0].id", equalTo("t"));
  }

  @Test
  void invalidSpecIs422ListingEveryProblemWithItsPath() {
    Teams.Team team = Teams.create("bad");
    String spec =
        "name: broken\nteam: "
            + team.name()
            + "\nstages:\n"
            + "  - id: a\n    type: transform\n    sql: select 1\n    dependsOn: [b]\n"
            + "  - id: b\n    type: transform\n    sql: select 2\n    dependsOn: [a]\n"
            + "  - id: c\n    type: load\n";
    team.as()
        .contentType("application/yaml")
        .body(spec)
        .post("/api/v1/pipelines")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("errors.field", hasItem("stages"))
        .body("errors.field", hasItem("stages[2].target"))
        .body("errors.message", hasItem("dependency cycle a -> b -> a"));
  }

  @Test
  void specOfAnotherTeamIsRefused() {
    Teams.Team team = Teams.create("own");
    team.as()
        .contentType("application/yaml")
        .body(Teams.spec("someone-else", "p", null))
        .post("/api/v1/pipelines")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("team"))
        .body("errors[0].value", equalTo("someone-else"));
  }

  @Test
  void listsWithCursorPaginationAndHidesArchived() {
    Teams.Team team = Teams.create("list");
    for (String name : new String[] {"p1", "p2", "p3", "p4", "p5"}) {
      team.as()
          .contentType("application/yaml")
          .body(Teams.spec(team.name(), name, null))
          .post("/api/v1/pipelines")
          .then()
          .statusCode(201);
    }
    String next =
        team.as()
            .get("/api/v1/pipelines?limit=2")
            .then()
            .statusCode(200)
            .body("items.name", contains("p1", "p2"))
            .body("next", notNullValue())
            .extract()
            .path("next");
    next =
        team.as()
            .get("/api/v1/pipelines?limit=2&cursor=" + next)
            .then()
            .body("items.name", contains("p3", "p4"))
            .extract()
            .path("next");
    team.as()
        .get("/api/v1/pipelines?limit=2&cursor=" + next)
        .then()
        .body("items.name", contains("p5"))
        .body("next", nullValue());

    team.as().delete("/api/v1/pipelines/p3").then().statusCode(204);
    team.as().get("/api/v1/pipelines").then().body("items.name", contains("p1", "p2", "p4", "p5"));
    team.as()
        .get("/api/v1/pipelines?archived=true")
        .then()
        .body("items.name", contains("p1", "p2", "p3", "p4", "p5"));
    team.as()
        .contentType("application/json")
        .body("{}")
        .post("/api/v1/pipelines/p3/runs")
        .then()
        .statusCode(409)
        .body("detail", equalTo("pipeline 'p3' is archived; update it to use it again"));
  }
}
