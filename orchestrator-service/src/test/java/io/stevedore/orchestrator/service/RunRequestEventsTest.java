package io.stevedore.orchestrator.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A run admitted through a run request (the consumer's transaction: the path of every scheduled or
 * submitted run) sends the events of its admission as one {@code run-event-batch} message, not one
 * message per event. The dispatcher is off, so nothing but the run request admits the run.
 */
@QuarkusTest
@TestProfile(RunRequestEventsTest.NoDispatcher.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class RunRequestEventsTest {

  /** No dispatcher: runs are admitted by the run-requests consumer alone, and nothing launches. */
  public static class NoDispatcher implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("stevedore.orchestrator.dispatcher.enabled", "false");
    }
  }

  private static final int WIDTH = 30;

  @Inject Fixtures fixtures;

  @Test
  void anAdmissionSendsItsEventsAsOneMessage() {
    String name = "wide-" + UUID.randomUUID().toString().substring(0, 8);
    UUID team = fixtures.team(name);
    StringBuilder stages = new StringBuilder("stages:\n");
    for (int i = 0; i < WIDTH; i++) {
      stages.append(
          "  - id: s" + i + "\n    type: container\n    image: busybox\n    command: [\"true\"]\n");
    }
    UUID pipeline =
        fixtures.pipeline(team, "name: wide\nteam: " + name + "\nmaxActiveRuns: 1\n" + stages);
    UUID run = fixtures.submit(team, pipeline);

    // Per message of the run's: how many of its events it holds.
    List<Integer> perMessage = new ArrayList<>();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (Fixtures.Received m : fixtures.receive("stevedore-run-events-cost", 30)) {
                int mine = 0;
                for (JsonNode event : m.body().path("events")) {
                  if (event.path("runId").asText().equals(run.toString())) {
                    mine++;
                  }
                }
                if (mine > 0) {
                  perMessage.add(mine);
                }
                fixtures.delete(m);
              }
              return perMessage.stream().mapToInt(Integer::intValue).sum() >= WIDTH + 1;
            });

    assertThat(fixtures.runStatus(run)).isEqualTo("RUNNING");
    assertThat(fixtures.count("select count(*) from jobs.stage_runs where run_id = ?", run))
        .isEqualTo(WIDTH);
    // The run's RUNNING event and its 30 stages' PENDING events: one message.
    assertThat(perMessage).containsExactly(WIDTH + 1);
  }
}
