package io.stevedore.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.common.spec.PipelineSpec;
import io.stevedore.common.spec.PipelineSpecParser;
import io.stevedore.common.spec.SpecFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DagTest {

  static final PipelineSpec DIAMOND =
      new PipelineSpecParser()
          .parseOrThrow(
              """
              name: diamond
              team: t
              stages:
                - { id: d, type: container, image: x, dependsOn: [b, c] }
                - { id: b, type: container, image: x, dependsOn: [a] }
                - { id: c, type: container, image: x, dependsOn: [a] }
                - { id: a, type: container, image: x }
              """,
              SpecFormat.YAML);

  final Dag dag = new Dag(DIAMOND);

  static Dag.Latest latest(String id, StageStatus status) {
    return new Dag.Latest(id, 1, status, null, null);
  }

  @Test
  void ordersStagesAfterTheirInputs() {
    assertThat(dag.order()).extracting(PipelineSpec.Stage::id).containsExactly("a", "b", "c", "d");
    assertThat(dag.roots()).containsExactly("a");
    assertThat(dag.downstreamOf(List.of("b"))).containsExactly("d");
    assertThat(List.of("a", "b", "c", "d"))
        .filteredOn(dag::hasDependents)
        .containsExactly("a", "b", "c");
  }

  @Test
  void startsRootsFirstThenWaitsForEveryInputOfAFanIn() {
    assertThat(dag.plan(Map.of()).start()).containsExactly("a");
    Map<String, Dag.Latest> state = new HashMap<>();
    state.put("a", latest("a", StageStatus.SUCCEEDED));
    assertThat(dag.plan(state).start()).containsExactly("b", "c");
    state.put("b", latest("b", StageStatus.SUCCEEDED));
    state.put("c", latest("c", StageStatus.RUNNING));
    Dag.Plan plan = dag.plan(state);
    assertThat(plan.start()).isEmpty();
    assertThat(plan.outcome()).isEmpty();
    state.put("c", latest("c", StageStatus.SUCCEEDED));
    assertThat(dag.plan(state).start()).containsExactly("d");
    state.put("d", latest("d", StageStatus.SUCCEEDED));
    assertThat(dag.plan(state).outcome().orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
  }

  @Test
  void skipsDownstreamOfAFailureOnceTheOtherBranchEnds() {
    Map<String, Dag.Latest> state = new HashMap<>();
    state.put("a", latest("a", StageStatus.SUCCEEDED));
    state.put("b", new Dag.Latest("b", 2, StageStatus.FAILED, "USER_ERROR", "exit code 3"));
    state.put("c", latest("c", StageStatus.RUNNING));
    Dag.Plan running = dag.plan(state);
    assertThat(running.skip()).containsEntry("d", "upstream stage 'b' failed");
    assertThat(running.outcome()).isEmpty();

    state.put("c", latest("c", StageStatus.SUCCEEDED));
    state.put("d", latest("d", StageStatus.SKIPPED));
    Dag.Outcome outcome = dag.plan(state).outcome().orElseThrow();
    assertThat(outcome.status()).isEqualTo(RunStatus.FAILED);
    assertThat(outcome.reason())
        .isEqualTo(
            "stage 'b' failed after attempt 2 (USER_ERROR): exit code 3;"
                + " 1 downstream stage(s) skipped");
  }

  @Test
  void reconsidersASkippedStageWhenItsInputRunsAgain() {
    Map<String, Dag.Latest> state = new HashMap<>();
    state.put("a", latest("a", StageStatus.SUCCEEDED));
    state.put("b", new Dag.Latest("b", 2, StageStatus.PENDING, null, null));
    state.put("c", latest("c", StageStatus.SUCCEEDED));
    state.put("d", latest("d", StageStatus.SKIPPED));
    Dag.Plan plan = dag.plan(state);
    assertThat(plan.skip()).isEmpty();
    assertThat(plan.outcome()).isEmpty();
    state.put("b", new Dag.Latest("b", 2, StageStatus.SUCCEEDED, null, null));
    assertThat(dag.plan(state).start()).containsExactly("d");
  }
}
