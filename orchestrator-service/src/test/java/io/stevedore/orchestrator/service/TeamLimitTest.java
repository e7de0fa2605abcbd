package io.stevedore.orchestrator.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The per-team limit holds across pipelines: runs beyond it wait QUEUED, oldest first. */
@QuarkusTest
@TestProfile(TeamLimitTest.OneRunPerTeam.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class TeamLimitTest {

  /** At most one active run per team. */
  public static class OneRunPerTeam implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("stevedore.orchestrator.max-active-runs-per-team", "1");
    }
  }

  @Inject Fixtures fixtures;

  @Test
  void runsOfOneTeamWaitForItsLimitAcrossPipelines() {
    String name = "limited-" + UUID.randomUUID().toString().substring(0, 8);
    UUID team = fixtures.team(name);
    String stage =
        "stages:\n  - id: s\n    type: container\n    image: busybox\n"
            + "    command: [\"sh\", \"-c\", \"sleep 0.3\"]\n";
    UUID first =
        fixtures.pipeline(team, "name: first\nteam: " + name + "\nmaxActiveRuns: 5\n" + stage);
    UUID second =
        fixtures.pipeline(team, "name: second\nteam: " + name + "\nmaxActiveRuns: 5\n" + stage);
    List<UUID> runs =
        List.of(
            fixtures.submit(team, first),
            fixtures.submit(team, second),
            fixtures.submit(team, first));

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runs.stream().allMatch(r -> fixtures.runStatus(r).equals("SUCCEEDED")));
    assertThat(
            fixtures.count(
                "select count(*) from jobs.runs a join jobs.runs b on a.team_id = b.team_id"
                    + " and a.id <> b.id where a.team_id = ?"
                    + " and a.started_at < b.ended_at and b.started_at < a.ended_at",
                team))
        .isZero();
    assertThat(
            fixtures.count(
                "select count(*) from jobs.runs a join jobs.runs b on a.team_id = b.team_id"
                    + " where a.team_id = ? and a.created_at < b.created_at"
                    + " and a.started_at > b.started_at",
                team))
        .isZero();
  }
}
