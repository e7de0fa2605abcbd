package io.stevedore.orchestrator.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.orchestrator.Fixtures.Attempt;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class CapacityAndEventsTest {

  @Inject Fixtures fixtures;
  @Inject SqsClient sqs;
  @Inject ObjectMapper mapper;

  UUID team;
  String name;

  @BeforeEach
  void setUp() {
    name = "cap-" + UUID.randomUUID().toString().substring(0, 8);
    team = fixtures.team(name);
  }

  String stage(String id, String resources, String script) {
    return "  - id: "
        + id
        + "\n    type: container\n    image: busybox\n"
        + (resources == null ? "" : "    resources: " + resources + "\n")
        + "    command: [\"sh\", \"-c\", \""
        + script
        + "\"]\n";
  }

  @Test
  void stageThatDoesNotFitWaitsForCapacity() {
    // Each stage takes the whole local capacity (2048 CPU units, 4096 MiB): one at a time.
    UUID run =
        fixtures.submit(
            team,
            fixtures.pipeline(
                team,
                "name: big\nteam: "
                    + name
                    + "\nstages:\n"
                    + stage("big-1", "{ cpu: 2048, memory: 4096 }", "sleep 1")
                    + stage("big-2", "{ cpu: 2048, memory: 4096 }", "sleep 1")));
    AtomicBoolean sawWaiting = new AtomicBoolean();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              if (fixtures.latest(run).containsValue("WAITING_FOR_CAPACITY")) {
                sawWaiting.set(true);
              }
              return fixtures.runStatus(run).equals("SUCCEEDED");
            });
    assertThat(sawWaiting).isTrue();
    // The stage that waited says so once, however many passes found it still waiting, and its
    // launch names the wait as the previous status.
    Map<String, List<JsonNode>> byStage = new java.util.TreeMap<>();
    for (JsonNode e : fixtures.eventsOf(run)) {
      if (e.has("stageId")) {
        byStage.computeIfAbsent(e.path("stageId").asText(), k -> new ArrayList<>()).add(e);
      }
    }
    assertThat(byStage).containsOnlyKeys("big-1", "big-2");
    int waited = 0;
    for (List<JsonNode> changes : byStage.values()) {
      changes.sort(java.util.Comparator.comparing(e -> Instant.parse(e.path("at").asText())));
      List<String> statuses = changes.stream().map(e -> e.path("status").asText()).toList();
      if (statuses.contains("WAITING_FOR_CAPACITY")) {
        waited++;
        assertThat(statuses)
            .containsExactly(
                "PENDING", "WAITING_FOR_CAPACITY", "LAUNCHING", "RUNNING", "SUCCEEDED");
        assertThat(changes.get(2).path("previousStatus").asText())
            .isEqualTo("WAITING_FOR_CAPACITY");
      } else {
        assertThat(statuses).containsExactly("PENDING", "LAUNCHING", "RUNNING", "SUCCEEDED");
        assertThat(changes.get(1).path("previousStatus").asText()).isEqualTo("PENDING");
      }
    }
    assertThat(waited).isPositive();
    assertThat(
            fixtures.count(
                "select count(*) from jobs.stage_runs a join jobs.stage_runs b"
                    + " on a.run_id = b.run_id and a.id <> b.id where a.run_id = ?"
                    + " and a.started_at < b.ended_at and b.started_at < a.ended_at",
                run))
        .isZero();
  }

  @Test
  void stageLargerThanTheWholeCapacityFailsAsCapacity() {
    UUID run =
        fixtures.submit(
            team,
            fixtures.pipeline(
                team,
                "name: huge\nteam: "
                    + name
                    + "\nstages:\n"
                    + stage("huge", "{ cpu: 4096, memory: 8192 }", "exit 0")));
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> fixtures.runStatus(run).equals("FAILED"));
    Attempt huge = fixtures.attempts(run).get(0);
    assertThat(huge.failureClass()).isEqualTo("CAPACITY");
    assertThat(huge.reason()).contains("more than the local capacity of 2048 and 4096");
  }

  @Test
  void publishesEveryStateChangeToRunEventsCost() throws Exception {
    UUID run =
        fixtures.submit(
            team,
            fixtures.pipeline(
                team, "name: evented\nteam: " + name + "\nstages:\n" + stage("e", null, "exit 0")));
    List<JsonNode> mine = fixtures.eventsOf(run);
    List<String> stageChanges =
        mine.stream()
            .filter(e -> e.has("stageId"))
            .sorted(java.util.Comparator.comparing(e -> e.path("at").asText()))
            .map(e -> e.path("status").asText())
            .toList();
    assertThat(stageChanges).containsExactly("PENDING", "LAUNCHING", "RUNNING", "SUCCEEDED");
    assertThat(
            mine.stream()
                .filter(e -> e.path("status").asText().equals("LAUNCHING"))
                .map(e -> e.path("previousStatus").asText()))
        .containsExactly("PENDING");
    assertThat(mine.stream().filter(e -> !e.has("stageId")).map(e -> e.path("status").asText()))
        .containsExactlyInAnyOrder("RUNNING", "SUCCEEDED");
    JsonNode done =
        mine.stream()
            .filter(e -> "e".equals(e.path("stageId").asText()))
            .filter(e -> e.path("status").asText().equals("SUCCEEDED"))
            .findFirst()
            .orElseThrow();
    assertThat(done.path("cpu").asInt()).isEqualTo(256);
    assertThat(done.path("memory").asInt()).isEqualTo(512);
    assertThat(done.path("launcher").asText()).isEqualTo("local");
    assertThat(done.path("previousStatus").asText()).isEqualTo("RUNNING");
  }
}
