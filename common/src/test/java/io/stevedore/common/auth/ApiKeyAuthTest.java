package io.stevedore.common.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class ApiKeyAuthTest {

  static final String ADMIN = "Bearer test-admin-key-0123456789";

  @Inject DataSource dataSource;

  String teamA;
  String teamB;
  String keyA;
  String keyB;

  @BeforeEach
  void teamsWithKeys() throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "create table if not exists test_notes (id uuid primary key, team_id uuid not null,"
              + " text text)");
    }
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    teamA = "team-a-" + suffix;
    teamB = "team-b-" + suffix;
    createTeam(teamA);
    createTeam(teamB);
    keyA = createKey(teamA);
    keyB = createKey(teamB);
  }

  static void createTeam(String name) {
    given()
        .header("Authorization", ADMIN)
        .contentType(ContentType.JSON)
        .body(Map.of("name", name))
        .post("/admin/teams")
        .then()
        .statusCode(201)
        .body("name", equalTo(name));
  }

  static String createKey(String team) {
    return given()
        .header("Authorization", ADMIN)
        .contentType(ContentType.JSON)
        .body(Map.of("description", "test key"))
        .post("/admin/teams/" + team + "/keys")
        .then()
        .statusCode(201)
        .body("team", equalTo(team))
        .extract()
        .path("key");
  }

  @Test
  void requestWithoutKeyIsRefusedWith401Problem() {
    given()
        .get("/api/v1/whoami")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .header("WWW-Authenticate", containsString("Bearer"))
        .body("status", equalTo(401))
        .body("detail", containsString("API key is required"));
    given().get("/test/notes").then().statusCode(401).contentType("application/problem+json");
    given().get("/admin/teams").then().statusCode(401).contentType("application/problem+json");
  }

  @Test
  void unknownOrMalformedKeyIsRefusedWith401() {
    given()
        .header("Authorization", "Bearer stv_000000000000_" + "x".repeat(43))
        .get("/api/v1/whoami")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("detail", equalTo("the API key is not valid"));
    given().header("Authorization", "Bearer nonsense").get("/api/v1/whoami").then().statusCode(401);
    String forged = keyA.substring(0, keyA.length() - 4) + "AAAA";
    given()
        .header("Authorization", "Bearer " + forged)
        .get("/api/v1/whoami")
        .then()
        .statusCode(401);
  }

  @Test
  void teamKeyIdentifiesItsTeamByEitherHeader() {
    given()
        .header("Authorization", "Bearer " + keyA)
        .get("/api/v1/whoami")
        .then()
        .statusCode(200)
        .body("team", equalTo(teamA))
        .body("admin", equalTo(false));
    given()
        .header("X-Api-Key", keyB)
        .get("/api/v1/whoami")
        .then()
        .statusCode(200)
        .body("team", equalTo(teamB));
  }

  @Test
  void serviceKeyIsKnownByItsHashAndIsNeitherATeamNorTheAdmin() {
    given()
        .header("Authorization", "Bearer test-service-key-orchestrator-0123")
        .get("/api/v1/whoami")
        .then()
        .statusCode(200)
        .body("service", equalTo("orchestrator"))
        .body("admin", equalTo(false))
        .body("team", equalTo(null));
    // The hash is not a key.
    given()
        .header(
            "Authorization",
            "Bearer 3cd8f844f297684ee07ac9c2b70f045c0839f52f8da60e9651f1e538cdf81625")
        .get("/api/v1/whoami")
        .then()
        .statusCode(401);
    // A service key is no team key: team endpoints refuse it, admin endpoints too.
    given()
        .header("Authorization", "Bearer test-service-key-orchestrator-0123")
        .get("/test/notes")
        .then()
        .statusCode(401);
    given()
        .header("Authorization", "Bearer test-service-key-orchestrator-0123")
        .contentType(ContentType.JSON)
        .body(Map.of("name", "sneaky-service"))
        .post("/admin/teams")
        .then()
        .statusCode(403);
  }

  @Test
  void teamKeyCannotUseAdminEndpoints() {
    given()
        .header("Authorization", "Bearer " + keyA)
        .contentType(ContentType.JSON)
        .body(Map.of("name", "sneaky"))
        .post("/admin/teams")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    given()
        .header("Authorization", "Bearer " + keyA)
        .contentType(ContentType.JSON)
        .body(Map.of("description", "steal"))
        .post("/admin/teams/" + teamB + "/keys")
        .then()
        .statusCode(403);
  }

  @Test
  void teamCannotSeeOrChangeAnotherTeamsDataAndGets404() {
    String id =
        given()
            .header("Authorization", "Bearer " + keyA)
            .contentType(ContentType.JSON)
            .body(Map.of("text", "secret plan of A"))
            .post("/test/notes")
            .then()
            .statusCode(200)
            .extract()
            .path("id");

    given()
        .header("Authorization", "Bearer " + keyA)
        .get("/test/notes/" + id)
        .then()
        .statusCode(200)
        .body("text", equalTo("secret plan of A"));

    given()
        .header("Authorization", "Bearer " + keyB)
        .get("/test/notes/" + id)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given()
        .header("Authorization", "Bearer " + keyB)
        .get("/test/notes")
        .then()
        .statusCode(200)
        .body("$", hasSize(0));
    given()
        .header("Authorization", "Bearer " + keyB)
        .contentType(ContentType.JSON)
        .body(Map.of("text", "overwritten by B"))
        .put("/test/notes/" + id)
        .then()
        .statusCode(404);
    given()
        .header("Authorization", "Bearer " + keyB)
        .delete("/test/notes/" + id)
        .then()
        .statusCode(404);

    given()
        .header("Authorization", "Bearer " + keyA)
        .get("/test/notes")
        .then()
        .statusCode(200)
        .body("text", org.hamcrest.Matchers.contains("secret plan of A"));
  }

  @Test
  void keysAreStoredOnlyAsHashes() throws Exception {
    String keyId = ApiKeyFormat.parse(keyA).orElseThrow().id();
    String secret = ApiKeyFormat.parse(keyA).orElseThrow().secret();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select k::text, secret_hash from jobs.api_keys k where id = '" + keyId + "'")) {
      assertThat(rs.next()).isTrue();
      String row = rs.getString(1);
      byte[] hash = rs.getBytes(2);
      assertThat(row).doesNotContain(secret).doesNotContain(keyA);
      assertThat(hash).hasSize(32);
      assertThat(new String(hash, StandardCharsets.ISO_8859_1)).doesNotContain(secret);
      assertThat(hash).isEqualTo(ApiKeyFormat.hash(secret));
    }
    given()
        .header("Authorization", ADMIN)
        .get("/admin/teams/" + teamA + "/keys")
        .then()
        .statusCode(200)
        .body(not(containsString(secret)))
        .body("[0].id", equalTo(keyId));
  }

  @Test
  void revokedKeyStopsWorking() {
    String keyId = ApiKeyFormat.parse(keyB).orElseThrow().id();
    given().header("Authorization", "Bearer " + keyB).get("/api/v1/whoami").then().statusCode(200);
    given()
        .header("Authorization", ADMIN)
        .delete("/admin/teams/" + teamB + "/keys/" + keyId)
        .then()
        .statusCode(204);
    given().header("Authorization", "Bearer " + keyB).get("/api/v1/whoami").then().statusCode(401);
  }

  @Test
  void duplicateOrInvalidTeamIsAProblemNamingTheValue() {
    given()
        .header("Authorization", ADMIN)
        .contentType(ContentType.JSON)
        .body(Map.of("name", teamA))
        .post("/admin/teams")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("detail", equalTo("team '" + teamA + "' already exists"));
    given()
        .header("Authorization", ADMIN)
        .contentType(ContentType.JSON)
        .body(Map.of("name", "Bad Name!"))
        .post("/admin/teams")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("name"))
        .body("errors[0].value", equalTo("Bad Name!"));
    given()
        .header("Authorization", ADMIN)
        .contentType(ContentType.JSON)
        .body(Map.of("description", "x"))
        .post("/admin/teams/no-such-team/keys")
        .then()
        .statusCode(404)
        .body("detail", equalTo("team 'no-such-team' not found"));
  }
}
