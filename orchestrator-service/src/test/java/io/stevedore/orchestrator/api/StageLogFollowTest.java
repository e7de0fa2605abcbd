package io.stevedore.orchestrator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class StageLogFollowTest {

  @Inject Fixtures fixtures;
  @Inject LogFollowers followers;

  @TestHTTPResource("/")
  URI base;

  /** A team of its own with an API key, and the gate file its stage waits for. */
  record Team(String name, UUID id, String key, Path gate) {}

  Team team(String prefix) throws java.io.IOException {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    UUID id = fixtures.team(name);
    Path gate = Files.createDirectories(Path.of("target", "ops-work", name)).resolve("go");
    return new Team(name, id, fixtures.apiKey(id), gate);
  }

  @Test
  @Timeout(120)
  void followsTheLogWithServerSentEventsUntilTheAttemptEnds() throws Exception {
    Team mine = team("follow");
    String name = mine.name();
    UUID team = mine.id();
    String key = mine.key();
    String otherKey = fixtures.apiKey(fixtures.team(name + "-b"));
    Path gate = mine.gate();
    UUID pipeline =
        fixtures.pipeline(
            team,
            "name: follow\nteam: "
                + name
                + "\nstages:\n  - id: talk\n    type: container\n    image: busybox\n"
                + "    command: [\"sh\", \"-c\", \"for i in 1 2 3; do echo early $i; done;"
                + " while [ ! -f "
                + gate.toAbsolutePath()
                + " ]; do sleep 0.1; done; for i in 1 2 3; do echo late $i; sleep 0.2; done;"
                + " printf 'no newline'\"]\n");
    UUID run = fixtures.submit(team, pipeline);
    String path = "api/v1/runs/" + run + "/stages/talk/attempts/1/log/follow";
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                fixtures.latest(run).getOrDefault("talk", "").equals("RUNNING")
                    && given()
                        .header("Authorization", "Bearer " + key)
                        .get("/api/v1/runs/" + run + "/stages/talk/attempts/1/log")
                        .asString()
                        .contains("early 3"));

    given()
        .header("Authorization", "Bearer " + otherKey)
        .header("Accept", "text/event-stream")
        .get("/" + path)
        .then()
        .statusCode(404)
        .contentType(containsString("application/problem+json"));

    List<String> data = new ArrayList<>();
    String endStatus = null;
    try {
      HttpResponse<Stream<String>> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(base.resolve(path + "?tail=2"))
                      .header("Authorization", "Bearer " + key)
                      .header("Accept", "text/event-stream")
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofLines());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");

      Iterator<String> lines = response.body().iterator();
      String event = null;
      while (lines.hasNext()) {
        String line = lines.next();
        if (line.startsWith("event:")) {
          event = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          String value = line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5);
          if ("end".equals(event)) {
            endStatus = value;
          } else {
            data.add(value);
            if (data.size() == 2) {
              Files.writeString(gate, "go"); // the tail came first; now the stage writes more
            }
          }
        } else if (line.isEmpty()) {
          event = null;
        }
      }
    } finally {
      // Whatever failed, the stage must not wait for the gate for ever: a stage left running holds
      // local capacity that other tests in this JVM need.
      Files.writeString(gate, "go");
    }
    assertThat(data)
        .containsExactly("early 2", "early 3", "late 1", "late 2", "late 3", "no newline");
    assertThat(endStatus).isEqualTo("SUCCEEDED");
  }

  @Test
  @Timeout(120)
  void aFollowerStopsWhenItsClientGoesAway() throws Exception {
    Team mine = team("gone");
    UUID run =
        fixtures.submit(
            mine.id(),
            fixtures.pipeline(
                mine.id(),
                "name: gone\nteam: "
                    + mine.name()
                    + "\nstages:\n  - id: wait\n    type: container\n    image: busybox\n"
                    + "    command: [\"sh\", \"-c\", \"echo waiting; while [ ! -f "
                    + mine.gate().toAbsolutePath()
                    + " ]; do sleep 0.1; done\"]\n"));
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> fixtures.latest(run).getOrDefault("wait", "").equals("RUNNING"));
      int before = followers.following();
      HttpResponse<java.io.InputStream> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          base.resolve(
                              "api/v1/runs/" + run + "/stages/wait/attempts/1/log/follow?tail=1"))
                      .header("Authorization", "Bearer " + mine.key())
                      .header("Accept", "text/event-stream")
                      .build(),
                  HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      java.io.InputStream body = response.body();
      // The first event (the tail) has arrived: the follower runs and waits for more lines.
      StringBuilder first = new StringBuilder();
      while (!first.toString().endsWith("\n\n")) {
        int b = body.read();
        assertThat(b).isNotNegative();
        first.append((char) b);
      }
      assertThat(first.toString()).contains("data:waiting");
      assertThat(followers.following()).isGreaterThan(before);
      body.close();
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> followers.following() == before);
    } finally {
      Files.writeString(mine.gate(), "go");
    }
  }
}
