package io.stevedore.orchestrator.gate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.orchestrator.Fixtures.Attempt;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The security-gate hook in enforce mode against an HTTP server on 127.0.0.1 that answers {@code
 * POST /api/v1/admissions} with the shapes security-gate sends (its own tests cover how it reaches
 * a verdict; an end-to-end test runs both services).
 */
@QuarkusTest
@TestProfile(GateHookTest.Enforce.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class GateHookTest {

  static final List<String> REQUESTS = new CopyOnWriteArrayList<>();
  static final List<String> AUTHORIZATIONS = new CopyOnWriteArrayList<>();
  static final HttpServer GATE = gate();

  static HttpServer gate() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/api/v1/admissions",
          exchange -> {
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            REQUESTS.add(body);
            AUTHORIZATIONS.add(exchange.getRequestHeaders().getFirst("Authorization"));
            int status = 200;
            String answer;
            if (body.contains("registry.example/bad")) {
              answer =
                  "{\"verdict\":\"fail\",\"digest\":\"sha256:"
                      + "ab".repeat(32)
                      + "\",\"allowed\":false,\"findings\":[{\"rule\":\"SEVERITY\","
                      + "\"advisoryId\":\"CVE-2026-0001\",\"severity\":\"CRITICAL\","
                      + "\"subject\":\"openssl\",\"message\":\"fixed in 3.0.15\"},"
                      + "{\"rule\":\"ROOT_USER\",\"message\":\"the image runs as root\"}]}";
            } else if (body.contains("registry.example/broken")) {
              status = 503;
              answer = "{\"title\":\"Service Unavailable\",\"status\":503}";
            } else {
              answer =
                  "{\"verdict\":\"pass\",\"digest\":\"sha256:"
                      + "cd".repeat(32)
                      + "\",\"findings\":[]}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
          });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Enforce mode against the server above. */
  public static class Enforce implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "stevedore.orchestrator.security-gate.mode", "enforce",
          "stevedore.orchestrator.security-gate.url",
              "http://127.0.0.1:" + GATE.getAddress().getPort(),
          "stevedore.orchestrator.security-gate.api-key", "orchestrator-service-key-for-tests",
          "stevedore.orchestrator.security-gate.cache-ttl", "1h");
    }
  }

  @Inject Fixtures fixtures;

  UUID team;
  String name;
  int pipelines;

  @BeforeEach
  void setUp() {
    name = "gate-" + UUID.randomUUID().toString().substring(0, 8);
    team = fixtures.team(name);
  }

  UUID run(String image) {
    String yaml =
        "name: gated-"
            + (++pipelines)
            + "\nteam: "
            + name
            + "\nstages:\n  - id: app\n    type: container\n    image: "
            + image
            + "\n    command: [\"sh\", \"-c\", \"echo started > /dev/null\"]\n";
    return fixtures.submit(team, fixtures.pipeline(team, yaml));
  }

  String awaitEnd(UUID run) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> List.of("SUCCEEDED", "FAILED").contains(fixtures.runStatus(run)));
    return fixtures.runStatus(run);
  }

  @Test
  void enforceRefusesAFailingImageBeforeAnythingStartsAndShowsTheFindings() {
    UUID run = run("registry.example/bad:1.0");
    assertThat(awaitEnd(run)).isEqualTo("FAILED");
    Attempt app = fixtures.attempts(run).get(0);
    assertThat(app.failureClass()).isEqualTo("USER_ERROR");
    assertThat(app.reason())
        .startsWith("image registry.example/bad:1.0 (sha256:abab")
        .contains("refused by security-gate: FAIL: 2 findings")
        .contains("CVE-2026-0001 (CRITICAL) in openssl: fixed in 3.0.15")
        .contains("ROOT_USER: the image runs as root");
    assertThat(app.attempt()).isEqualTo(1);
    assertThat(fixtures.pids(run)).isEmpty(); // no process was started
    assertThat(REQUESTS)
        .anyMatch(b -> b.contains("\"image\":\"registry.example/bad:1.0\"") && b.contains(name));
    assertThat(AUTHORIZATIONS).contains("Bearer orchestrator-service-key-for-tests");

    String key = fixtures.apiKey(team);
    given()
        .header("Authorization", "Bearer " + key)
        .get("/api/v1/runs/" + run + "/gate-decisions")
        .then()
        .statusCode(200)
        .body("", hasSize(1))
        .body("[0].stageId", equalTo("app"))
        .body("[0].verdict", equalTo("FAIL"))
        .body("[0].mode", equalTo("ENFORCE"))
        .body("[0].allowed", equalTo(false))
        .body("[0].findings", hasSize(2))
        .body("[0].findings[0].advisoryId", equalTo("CVE-2026-0001"));
    String other = fixtures.apiKey(fixtures.team(name + "-other"));
    given()
        .header("Authorization", "Bearer " + other)
        .get("/api/v1/runs/" + run + "/gate-decisions")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given().get("/api/v1/runs/" + run + "/gate-decisions").then().statusCode(401);
  }

  @Test
  void aPassingImageRunsAndItsVerdictIsCached() {
    String image = "registry.example/good:" + UUID.randomUUID();
    UUID first = run(image);
    assertThat(awaitEnd(first)).isEqualTo("SUCCEEDED");
    UUID second = run(image);
    assertThat(awaitEnd(second)).isEqualTo("SUCCEEDED");
    assertThat(REQUESTS.stream().filter(b -> b.contains(image)).count()).isEqualTo(1);
    assertThat(
            fixtures.count(
                "select count(*) from orchestrator.gate_decisions where image = ?"
                    + " and verdict = 'PASS' and allowed",
                image))
        .isEqualTo(2);
  }

  @Test
  void aGateWithoutAVerdictLetsTheLaunchThroughAndRecordsWhy() {
    UUID run = run("registry.example/broken:2");
    assertThat(awaitEnd(run)).isEqualTo("SUCCEEDED");
    assertThat(
            fixtures.count(
                "select count(*) from orchestrator.gate_decisions where run_id = ?"
                    + " and verdict = 'UNKNOWN' and allowed"
                    + " and reason like 'allowed without a verdict: security-gate answered HTTP 503%'",
                run))
        .isEqualTo(1);
  }
}
