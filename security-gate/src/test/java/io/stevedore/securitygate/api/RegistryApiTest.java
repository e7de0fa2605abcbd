package io.stevedore.securitygate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.stevedore.common.auth.ApiKeys;
import io.stevedore.securitygate.Fixtures;
import io.stevedore.securitygate.advisory.AdvisoryIndex;
import io.stevedore.securitygate.image.TestImage;
import io.stevedore.securitygate.registry.TestRegistry;
import io.stevedore.securitygate.service.AdvisoryRefresher;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Registry images through the service: admissions for the orchestrator's hook, registry scans over
 * the API, tag resolution recorded once, and the advisory refresh from another instance's import.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class RegistryApiTest {

  static TestRegistry registry;

  @Inject ApiKeys keys;
  @Inject DataSource dataSource;
  @Inject AdvisoryIndex index;
  @Inject AdvisoryRefresher refresher;

  Fixtures.Team team;

  @BeforeAll
  static void startRegistry() {
    registry = new TestRegistry();
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @BeforeEach
  void setUp() {
    team = Fixtures.team(keys, "reg");
    team.as()
        .contentType("application/zip")
        .body(Fixtures.osvZip())
        .post("/api/v1/advisories/import")
        .then()
        .statusCode(200);
    team.as()
        .contentType("application/yaml")
        .body(Fixtures.POLICY)
        .put("/api/v1/policies/default")
        .then()
        .statusCode(201);
  }

  io.restassured.response.Response admit(Fixtures.Team t, Map<String, String> body) {
    return t.as().contentType("application/json").body(body).post("/api/v1/admissions");
  }

  String repo() {
    return "team/app-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void admissionPullsByTagPinsTheDigestOnceAndCachesTheVerdict() throws Exception {
    String repo = repo();
    String digest = registry.push(repo, "1.0", Fixtures.debian(Fixtures.LIBSSL_STATUS));
    String reference = registry.registry() + "/" + repo + ":1.0";

    JsonPath first =
        admit(team, Map.of("image", reference))
            .then()
            .statusCode(200)
            .body("allowed", equalTo(false))
            .body("enforcement", equalTo("enforce"))
            .body("digest", equalTo(digest))
            .body("pinned", equalTo(registry.registry() + "/" + repo + "@" + digest))
            .body("verdict", equalTo("FAIL"))
            .body("trigger", equalTo("ADMISSION"))
            .body("findings.advisoryId", hasItem("DSA-0001-1"))
            .extract()
            .jsonPath();
    assertThat(first.getBoolean("cached")).isFalse();

    // the tag now points elsewhere: the recorded resolution still pins the first digest
    registry.push(repo, "1.0", Fixtures.debian(null));
    admit(team, Map.of("image", reference, "team", team.name()))
        .then()
        .statusCode(200)
        .body("digest", equalTo(digest))
        .body("cached", equalTo(true))
        .body("verdictId", equalTo(first.getString("verdictId")));
    assertThat(registry.tagRequests(repo, "1.0")).isEqualTo(1);
    assertThat(
            count(
                "select count(*) from security_gate.image_resolutions where reference = ? and"
                    + " digest = ? and tag = '1.0'",
                registry.registry() + "/" + repo + ":1.0",
                digest))
        .isEqualTo(1);
    assertThat(
            count(
                "select count(*) from security_gate.images where digest = ? and resolved_tag ="
                    + " '1.0'",
                digest))
        .isEqualTo(1);

    // a bare digest the gate has seen is answered from the cache
    admit(team, Map.of("image", digest))
        .then()
        .statusCode(200)
        .body("cached", equalTo(true))
        .body("allowed", equalTo(false));
  }

  @Test
  void aPassingImageIsAllowed() {
    String repo = repo();
    String digest = registry.push(repo, "2", Fixtures.debian(null));
    admit(
            team,
            Map.of("image", registry.registry() + "/" + repo + "@" + digest, "policy", "default"))
        .then()
        .statusCode(200)
        .body("allowed", equalTo(true))
        .body("verdict", equalTo("PASS"));
  }

  @Test
  void aTeamMayNotAskForAnotherTeam() {
    Fixtures.Team other = Fixtures.team(keys, "other");
    admit(team, Map.of("image", "ecr.example/x/y:1", "team", other.name()))
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("detail", containsString("may not ask for an admission for team"));
  }

  @Test
  void theOrchestratorAsksForTheTeamItNames() {
    String repo = repo();
    String digest = registry.push(repo, "5", Fixtures.debian(null));
    io.restassured.RestAssured.given()
        .header("Authorization", "Bearer test-orchestrator-key-for-gate-01")
        .contentType("application/json")
        .body(Map.of("image", registry.registry() + "/" + repo + ":5", "team", team.name()))
        .post("/api/v1/admissions")
        .then()
        .statusCode(200)
        .body("digest", equalTo(digest))
        .body("allowed", equalTo(true));
    // the verdict belongs to the team named
    team.as().get("/api/v1/verdicts/" + digest).then().statusCode(200);
    io.restassured.RestAssured.given()
        .header("Authorization", "Bearer test-orchestrator-key-for-gate-01")
        .contentType("application/json")
        .body(Map.of("image", registry.registry() + "/" + repo + ":5"))
        .post("/api/v1/admissions")
        .then()
        .statusCode(400)
        .body("detail", containsString("must name the team"));
  }

  @Test
  void badAdmissionRequestsAreProblems() {
    admit(team, Map.of("team", team.name()))
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    admit(team, Map.of("image", "sha256:" + "0".repeat(64)))
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", containsString("not known to the gate"));
    admit(team, Map.of("image", "Not A Reference!"))
        .then()
        .statusCode(422)
        .contentType("application/problem+json");
    admit(team, Map.of("image", registry.registry() + "/team/missing:1"))
        .then()
        .statusCode(422)
        .body("detail", containsString("not found in the registry"));
  }

  @Test
  void aTamperedRegistryImageEndsInA422AndNoVerdict() {
    String repo = repo();
    TestImage image = Fixtures.debian(Fixtures.LIBSSL_STATUS);
    String digest = registry.push(repo, "1", image);
    registry.alter(digest, "{\"schemaVersion\":2}".getBytes());

    team.as()
        .contentType("application/json")
        .body(Map.of("image", registry.registry() + "/" + repo + "@" + digest, "policy", "default"))
        .post("/api/v1/scans")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("detail", containsString("altered"));
    team.as().get("/api/v1/verdicts/" + digest).then().statusCode(404);
  }

  @Test
  void registryScanOverTheApi() {
    String repo = repo();
    String digest = registry.push(repo, "3", Fixtures.debian(Fixtures.LIBSSL_STATUS));
    team.as()
        .contentType("application/json")
        .body(Map.of("image", registry.registry() + "/" + repo + ":3", "policy", "default"))
        .post("/api/v1/scans")
        .then()
        .statusCode(201)
        .body("digest", equalTo(digest))
        .body("verdict", equalTo("FAIL"))
        .body("reference", equalTo(registry.registry() + "/" + repo + ":3"));
  }

  @Test
  void anImportByAnotherInstanceIsPickedUpByTheRefresh() throws Exception {
    refresher.poll(); // settle this instance's own imports
    String id = "DSA-OTHER-" + UUID.randomUUID().toString().substring(0, 8);
    String osv = Fixtures.debianAdvisory(id, "pkg-" + id.toLowerCase(), "1.0-2");
    Instant now = Instant.now();
    // what another instance's import leaves in the database
    update(
        "insert into security_gate.advisories (id, modified, imported_at, osv) values (?, ?, ?,"
            + " ?::jsonb)",
        id,
        Timestamp.from(Instant.parse("2026-11-20T00:00:00Z")),
        Timestamp.from(now),
        osv);
    update(
        "insert into security_gate.advisory_imports (id, imported_at, source, team_id, inserted,"
            + " updated, unchanged, problems, data_version) values (?, ?, 'elsewhere', null, 1, 0,"
            + " 0, '[]'::jsonb, 'sha256:other')",
        UUID.randomUUID(),
        Timestamp.from(now.plusSeconds(1)));
    assertThat(index.get(id)).isEmpty();

    assertThat(refresher.poll()).isTrue();

    assertThat(index.get(id)).isPresent();
    assertThat(refresher.poll()).isFalse();
  }

  void update(String sql, Object... params) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }

  int count(String sql, Object... params) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
