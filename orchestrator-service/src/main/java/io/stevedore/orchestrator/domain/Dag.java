package io.stevedore.orchestrator.domain;

import io.stevedore.common.spec.PipelineSpec;
import io.stevedore.common.spec.PipelineSpec.Stage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The stage graph of a run and the rule that moves it forward. Given the latest attempt of each
 * stage, {@link #plan} says which stages start now (all inputs succeeded: fan-out and fan-in fall
 * out of this one rule), which are skipped (an input failed or was skipped), and whether the run is
 * over.
 *
 * <p>A skipped stage is re-evaluated every time: when a resumed upstream runs again, its skipped
 * downstream waits for it instead of staying skipped.
 */
public final class Dag {

  /**
   * The latest attempt of one stage.
   *
   * @param stageId the stage
   * @param attempt its number, from 1
   * @param status its status
   * @param failureClass why it failed, or null
   * @param reason a readable reason, or null
   */
  public record Latest(
      String stageId, int attempt, StageStatus status, String failureClass, String reason) {}

  /**
   * What to do next.
   *
   * @param start stages that get a new attempt now
   * @param skip stages to record as skipped, with the reason naming the blocked input
   * @param outcome the run's end, when every stage is done or blocked
   */
  public record Plan(List<String> start, Map<String, String> skip, Optional<Outcome> outcome) {}

  /** How a run ended and why. */
  public record Outcome(RunStatus status, String reason) {}

  private enum Effective {
    SUCCEEDED,
    FAILED,
    SKIPPED,
    ACTIVE,
    WAITING
  }

  private final List<Stage> order;
  private final Set<String> upstream = new HashSet<>();

  public Dag(PipelineSpec spec) {
    this.order = topological(spec.stages());
    order.forEach(stage -> upstream.addAll(stage.dependsOn()));
  }

  /** Whether some stage depends on {@code stageId}. */
  public boolean hasDependents(String stageId) {
    return upstream.contains(stageId);
  }

  /** The stages in an order where each comes after all its inputs. */
  public List<Stage> order() {
    return order;
  }

  /** Stages without inputs. */
  public List<String> roots() {
    return order.stream().filter(s -> s.dependsOn().isEmpty()).map(Stage::id).toList();
  }

  /** The stages downstream of {@code stageIds} (transitively), not including them. */
  public List<String> downstreamOf(List<String> stageIds) {
    List<String> found = new ArrayList<>();
    Set<String> marked = new HashSet<>(stageIds);
    for (Stage stage : order) {
      if (!marked.contains(stage.id()) && stage.dependsOn().stream().anyMatch(marked::contains)) {
        marked.add(stage.id());
        found.add(stage.id());
      }
    }
    return found;
  }

  /** Decides the next step from the latest attempt of each stage (stages without one: absent). */
  public Plan plan(Map<String, Latest> latest) {
    Map<String, Effective> effective = new HashMap<>();
    List<String> start = new ArrayList<>();
    Map<String, String> skip = new LinkedHashMap<>();
    for (Stage stage : order) {
      Latest last = latest.get(stage.id());
      StageStatus status = last == null ? null : last.status();
      if (status == StageStatus.SUCCEEDED) {
        effective.put(stage.id(), Effective.SUCCEEDED);
        continue;
      }
      if (status != null && status.isActive()) {
        effective.put(stage.id(), Effective.ACTIVE);
        continue;
      }
      if (status != null && StageStatus.UNSUCCESSFUL.contains(status)) {
        effective.put(stage.id(), Effective.FAILED);
        continue;
      }
      // No attempt yet, or skipped before: decided by the inputs now.
      String blockedBy = null;
      boolean allSucceeded = true;
      for (String input : stage.dependsOn()) {
        Effective e = effective.get(input);
        if (e == Effective.FAILED || e == Effective.SKIPPED) {
          blockedBy = blockedBy == null ? input : blockedBy;
        }
        if (e != Effective.SUCCEEDED) {
          allSucceeded = false;
        }
      }
      if (blockedBy != null) {
        effective.put(stage.id(), Effective.SKIPPED);
        if (status != StageStatus.SKIPPED) {
          Effective why = effective.get(blockedBy);
          skip.put(
              stage.id(),
              "upstream stage '"
                  + blockedBy
                  + "' "
                  + (why == Effective.SKIPPED ? "was skipped" : "failed"));
        }
      } else if (allSucceeded) {
        effective.put(stage.id(), Effective.ACTIVE);
        start.add(stage.id());
      } else {
        effective.put(stage.id(), Effective.WAITING);
      }
    }
    boolean done =
        effective.values().stream().noneMatch(e -> e == Effective.ACTIVE || e == Effective.WAITING);
    if (!done) {
      return new Plan(start, skip, Optional.empty());
    }
    List<String> failed = new ArrayList<>();
    int skipped = 0;
    for (Stage stage : order) {
      Effective e = effective.get(stage.id());
      if (e == Effective.FAILED) {
        Latest last = latest.get(stage.id());
        StringBuilder text = new StringBuilder("stage '").append(stage.id()).append("' ");
        text.append(last.status() == StageStatus.CANCELLED ? "was cancelled" : "failed");
        text.append(" after attempt ").append(last.attempt());
        if (last.failureClass() != null) {
          text.append(" (").append(last.failureClass()).append(")");
        }
        if (last.reason() != null && !last.reason().isBlank()) {
          text.append(": ").append(last.reason());
        }
        failed.add(text.toString());
      } else if (e == Effective.SKIPPED) {
        skipped++;
      }
    }
    if (failed.isEmpty()) {
      return new Plan(
          start,
          skip,
          Optional.of(
              new Outcome(RunStatus.SUCCEEDED, "all " + order.size() + " stages succeeded")));
    }
    String reason =
        String.join("; ", failed)
            + (skipped > 0 ? "; " + skipped + " downstream stage(s) skipped" : "");
    return new Plan(start, skip, Optional.of(new Outcome(RunStatus.FAILED, reason)));
  }

  private static List<Stage> topological(List<Stage> stages) {
    Map<String, Stage> byId = new LinkedHashMap<>();
    Map<String, Integer> pending = new HashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    for (Stage stage : stages) {
      byId.put(stage.id(), stage);
      pending.put(stage.id(), stage.dependsOn().size());
      for (String input : stage.dependsOn()) {
        dependents.computeIfAbsent(input, k -> new ArrayList<>()).add(stage.id());
      }
    }
    Deque<String> ready = new ArrayDeque<>();
    for (Stage stage : stages) {
      if (stage.dependsOn().isEmpty()) {
        ready.add(stage.id());
      }
    }
    List<Stage> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      String id = ready.poll();
      order.add(byId.get(id));
      for (String next : dependents.getOrDefault(id, List.of())) {
        if (pending.merge(next, -1, Integer::sum) == 0) {
          ready.add(next);
        }
      }
    }
    if (order.size() != stages.size()) {
      throw new IllegalArgumentException("the stages of the pipeline form a cycle");
    }
    return List.copyOf(order);
  }
}
