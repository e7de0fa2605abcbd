package io.stevedore.orchestrator.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.orchestrator.Fixtures.Attempt;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The no-op launcher drives runs through the real dispatcher and state machines: every attempt goes
 * LAUNCHING, RUNNING and SUCCEEDED with exit 0 without any process being started. Dispatch batches
 * are of 3 attempts here, so that the layers of the tests' pipelines take several.
 */
@QuarkusTest
@TestProfile(NoopLauncherTest.Noop.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class NoopLauncherTest {

  /** The orchestrator with {@code launcher=noop}. */
  public static class Noop implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      // Small dispatch batches, so that a wide layer takes several.
      return Map.of(
          "stevedore.orchestrator.launcher",
          "noop",
          "stevedore.orchestrator.dispatcher.batch-size",
          "3");
    }
  }

  @Inject Fixtures fixtures;
  @Inject Launcher launcher;

  @Test
  void completesDiamondRunsWithoutStartingAnything() {
    String name = "noop-" + UUID.randomUUID().toString().substring(0, 8);
    UUID team = fixtures.team(name);
    // A command that would fail if anything ran it: only the no-op launcher lets these succeed.
    String stages =
        "stages:\n"
            + stage("a", List.of())
            + stage("b", List.of("a"))
            + stage("c", List.of("a"))
            + stage("d", List.of("b", "c"));
    UUID pipeline =
        fixtures.pipeline(team, "name: diamond\nteam: " + name + "\nmaxActiveRuns: 3\n" + stages);
    List<UUID> runs =
        List.of(
            fixtures.submit(team, pipeline),
            fixtures.submit(team, pipeline),
            fixtures.submit(team, pipeline));

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> runs.stream().allMatch(r -> fixtures.runStatus(r).equals("SUCCEEDED")));

    assertThat(launcher.name()).isEqualTo("NOOP");
    for (UUID run : runs) {
      assertThat(fixtures.attempts(run))
          .extracting(Attempt::stageId, Attempt::attempt, Attempt::status, Attempt::exitCode)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("a", 1, "SUCCEEDED", 0),
              org.assertj.core.groups.Tuple.tuple("b", 1, "SUCCEEDED", 0),
              org.assertj.core.groups.Tuple.tuple("c", 1, "SUCCEEDED", 0),
              org.assertj.core.groups.Tuple.tuple("d", 1, "SUCCEEDED", 0));
      assertThat(fixtures.attempts(run)).allMatch(a -> a.taskRef().startsWith("noop:"));
      // Each attempt's intent was recorded for the NOOP launcher and closed when its task ended.
      assertThat(
              fixtures.count(
                  "select count(*) from orchestrator.launch_intents i join jobs.stage_runs s"
                      + " on s.id = i.stage_run_id where s.run_id = ? and i.launcher = 'NOOP'"
                      + " and i.confirmed_at is not null and i.ended_at is not null",
                  run))
          .isEqualTo(4);
    }
    assertThat(
            fixtures.count(
                "select count(*) from jobs.stage_runs s join jobs.runs r on r.id = s.run_id"
                    + " where r.pipeline_id = ? and s.started_at is not null"
                    + " and s.ended_at >= s.started_at",
                pipeline))
        .isEqualTo(12);
    // Every stage went PENDING, LAUNCHING, RUNNING, SUCCEEDED on the run-events queue, each event
    // naming the one before: also b, c and d, which the completion of their inputs started and
    // claimed in one transaction (written LAUNCHING at once). Events of different transactions
    // may arrive in any order (a standard queue, several senders); each names its previous status.
    Map<UUID, List<JsonNode>> events = fixtures.eventsOf(Set.copyOf(runs));
    for (UUID run : runs) {
      for (String stage : List.of("a", "b", "c", "d")) {
        assertFourTransitions(events.get(run), stage);
      }
    }
  }

  /**
   * A completion or an admission claims at most one dispatch batch of the stages it starts (3
   * here): the others wait PENDING for the dispatcher's claims. Ten first stages, a join, ten
   * stages behind it: every one runs once, with one launch intent, and its four transitions.
   */
  @Test
  void claimsAWideLayerOneDispatchBatchAtATime() {
    String name = "noop-" + UUID.randomUUID().toString().substring(0, 8);
    UUID team = fixtures.team(name);
    StringBuilder stages = new StringBuilder("stages:\n");
    List<String> roots = new ArrayList<>();
    List<String> leaves = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      roots.add("r" + i);
      leaves.add("l" + i);
      stages.append(stage("r" + i, List.of()));
    }
    stages.append(stage("j", roots));
    leaves.forEach(l -> stages.append(stage(l, List.of("j"))));
    UUID pipeline =
        fixtures.pipeline(team, "name: wide\nteam: " + name + "\nmaxActiveRuns: 1\n" + stages);
    UUID run = fixtures.submit(team, pipeline);

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> fixtures.runStatus(run).equals("SUCCEEDED"));

    assertThat(fixtures.attempts(run))
        .hasSize(21)
        .allMatch(a -> a.attempt() == 1 && a.status().equals("SUCCEEDED"));
    assertThat(
            fixtures.count(
                "select count(*) from orchestrator.launch_intents i join jobs.stage_runs s"
                    + " on s.id = i.stage_run_id where s.run_id = ?"
                    + " and i.confirmed_at is not null and i.ended_at is not null",
                run))
        .isEqualTo(21);
    List<JsonNode> events = fixtures.eventsOf(run);
    for (String stage : concat(roots, List.of("j"), leaves)) {
      assertFourTransitions(events, stage);
    }
    // Claimed in the admission's transaction (its events share its time): 3 of the 10 roots.
    String admitted = at(events, null, "RUNNING");
    assertThat(launchedAt(events, roots, admitted)).isEqualTo(3);
    // Claimed in the transaction that recorded the join's end: 3 of the 10 leaves.
    String joined = at(events, "j", "SUCCEEDED");
    assertThat(launchedAt(events, leaves, joined)).isEqualTo(3);
  }

  /** The stage's events of its run: PENDING, LAUNCHING, RUNNING, SUCCEEDED, each once. */
  private static void assertFourTransitions(List<JsonNode> events, String stage) {
    assertThat(events.stream().filter(e -> e.path("stageId").asText().equals(stage)))
        .as("stage %s of run %s", stage, events.get(0).path("runId").asText())
        .extracting(e -> e.path("previousStatus").asText(null), e -> e.path("status").asText())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(null, "PENDING"),
            org.assertj.core.groups.Tuple.tuple("PENDING", "LAUNCHING"),
            org.assertj.core.groups.Tuple.tuple("LAUNCHING", "RUNNING"),
            org.assertj.core.groups.Tuple.tuple("RUNNING", "SUCCEEDED"));
  }

  /** The time of the event of {@code stage} (null: the run's) reaching {@code status}. */
  private static String at(List<JsonNode> events, String stage, String status) {
    return events.stream()
        .filter(
            e ->
                e.path("stageId").asText(null) == null
                    ? stage == null
                    : e.path("stageId").asText().equals(stage))
        .filter(e -> e.path("status").asText().equals(status))
        .map(e -> e.path("at").asText())
        .findFirst()
        .orElseThrow();
  }

  /** How many of {@code stages} went LAUNCHING at {@code at}. */
  private static long launchedAt(List<JsonNode> events, List<String> stages, String at) {
    return events.stream()
        .filter(e -> stages.contains(e.path("stageId").asText()))
        .filter(e -> e.path("status").asText().equals("LAUNCHING"))
        .filter(e -> e.path("at").asText().equals(at))
        .count();
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    List<String> all = new ArrayList<>();
    for (List<String> l : lists) {
      all.addAll(l);
    }
    return all;
  }

  private static String stage(String id, List<String> dependsOn) {
    return "  - id: "
        + id
        + "\n    type: container\n    image: busybox\n"
        + (dependsOn.isEmpty() ? "" : "    dependsOn: [" + String.join(", ", dependsOn) + "]\n")
        + "    command: [\"sh\", \"-c\", \"exit 7\"]\n";
  }
}
