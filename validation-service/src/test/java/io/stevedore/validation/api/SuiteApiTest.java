package io.stevedore.validation.api;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.common.auth.ApiKeys;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.S3Resource;
import io.stevedore.testing.SqsResource;
import io.stevedore.validation.Fixtures;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(S3Resource.class)
class SuiteApiTest {

  @Inject ApiKeys keys;

  @Test
  void savesVersionsAndReadsThemBack() {
    Fixtures.Team team = Fixtures.team(keys, "suites");
    String v1 = Fixtures.suiteText("airports.yaml");
    team.as()
        .contentType("application/yaml")
        .body(v1)
        .post("/api/v1/suites")
        .then()
        .statusCode(201)
        .header("Location", containsString("/api/v1/suites/airports"))
        .body("name", equalTo("airports"))
        .body("dataset", equalTo("airports"))
        .body("format", equalTo("csv"))
        .body("version", equalTo(1));

    // the same text again changes nothing
    team.as()
        .contentType("application/yaml")
        .body(v1)
        .post("/api/v1/suites")
        .then()
        .statusCode(200)
        .body("version", equalTo(1));

    String v2 = v1 + "  - {type: rowCount, min: 1}\n";
    team.as()
        .contentType("application/yaml")
        .body(v2)
        .post("/api/v1/suites")
        .then()
        .statusCode(200)
        .body("version", equalTo(2))
        .body("latestVersion", equalTo(2));

    team.as()
        .get("/api/v1/suites/airports")
        .then()
        .statusCode(200)
        .body("version", equalTo(2))
        .body("source", equalTo(v2));
    team.as()
        .get("/api/v1/suites/airports?version=1")
        .then()
        .statusCode(200)
        .body("version", equalTo(1))
        .body("latestVersion", equalTo(2))
        .body("source", equalTo(v1));
    team.as()
        .get("/api/v1/suites/airports?version=3")
        .then()
        .statusCode(404)
        .body("detail", equalTo("suite 'airports' version 3 not found"));
    team.as().get("/api/v1/suites/airports?version=x").then().statusCode(400);
  }

  @Test
  void acceptsJsonAndAnExplicitName() {
    Fixtures.Team team = Fixtures.team(keys, "suites-json");
    team.as()
        .contentType("application/json")
        .body(
            "{\"dataset\": \"zipcodes\", \"format\": \"csv\", \"checks\":"
                + " [{\"type\": \"rowCount\", \"min\": 1}]}")
        .post("/api/v1/suites?name=zip-smoke")
        .then()
        .statusCode(201)
        .body("name", equalTo("zip-smoke"))
        .body("dataset", equalTo("zipcodes"));
    team.as()
        .get("/api/v1/suites")
        .then()
        .statusCode(200)
        .body("items.name", contains("zip-smoke"));
  }

  @Test
  void otherTeamsSuitesAreNotFound() {
    Fixtures.Team a = Fixtures.team(keys, "owner");
    Fixtures.Team b = Fixtures.team(keys, "other");
    a.as()
        .contentType("application/yaml")
        .body(Fixtures.suiteText("zipcodes.yaml"))
        .post("/api/v1/suites")
        .then()
        .statusCode(201);
    b.as()
        .get("/api/v1/suites/zipcodes")
        .then()
        .statusCode(404)
        .contentType(containsString("application/problem+json"));
    b.as().get("/api/v1/suites").then().statusCode(200).body("items", hasSize(0));
    // b's suite of the same name is its own
    b.as()
        .contentType("application/yaml")
        .body(Fixtures.suiteText("zipcodes.yaml"))
        .post("/api/v1/suites")
        .then()
        .statusCode(201);
  }

  @Test
  void rejectsABadSuiteListingEveryProblem() {
    Fixtures.Team team = Fixtures.team(keys, "bad-suites");
    String bad =
        """
        dataset: flights
        format: parquet
        checks:
          - {type: pattern, column: origin, regex: "^[A-Z"}
          - {type: completeness, column: origin, mostly: 1.5}
          - {type: referential, column: origin, dataset: airports, referencedColumn: iata}
          - {type: nonsense, column: x}
        """;
    team.as()
        .contentType("application/yaml")
        .body(bad)
        .post("/api/v1/suites")
        .then()
        .statusCode(422)
        .contentType(containsString("application/problem+json"))
        .body("errors", hasSize(4))
        .body(
            "errors.field",
            hasItems("checks[0].regex", "checks[1].mostly", "checks[2].dataset", "checks[3].type"))
        .body(
            "errors.find { it.field == 'checks[2].dataset' }.message",
            equalTo("unknown dataset 'airports'"));
    team.as().get("/api/v1/suites/flights").then().statusCode(404);

    // once the team has an airports suite, the reference is known
    team.as()
        .contentType("application/yaml")
        .body(Fixtures.suiteText("airports.yaml"))
        .post("/api/v1/suites")
        .then()
        .statusCode(201);
    team.as()
        .contentType("application/yaml")
        .body(
            "dataset: flights\nchecks:\n"
                + "  - {type: referential, column: origin, dataset: airports,"
                + " referencedColumn: iata}\n")
        .post("/api/v1/suites")
        .then()
        .statusCode(201);
  }

  @Test
  void needsAKey() {
    io.restassured.RestAssured.given()
        .contentType("application/json")
        .body("{\"dataset\": \"x\", \"checks\": [{\"type\": \"rowCount\", \"min\": 1}]}")
        .post("/api/v1/suites")
        .then()
        .statusCode(401);
  }
}
