package io.stevedore.orchestrator.store;

import io.stevedore.common.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** What stage attempts produced ({@code orchestrator.stage_outputs}): output name to URI. */
@ApplicationScoped
public class StageOutputStore {

  private final Jdbc jdbc;

  StageOutputStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** Records (or replaces) an attempt's outputs. */
  public void record(UUID stageRunId, Map<String, String> outputs, Instant now) {
    for (Map.Entry<String, String> output : outputs.entrySet()) {
      jdbc.update(
          "insert into orchestrator.stage_outputs (stage_run_id, name, uri, recorded_at)"
              + " values (?, ?, ?, ?) on conflict (stage_run_id, name)"
              + " do update set uri = excluded.uri, recorded_at = excluded.recorded_at",
          stageRunId,
          output.getKey(),
          output.getValue(),
          now);
    }
  }

  /** The outputs of one attempt. */
  public Map<String, String> of(UUID stageRunId) {
    Map<String, String> outputs = new TreeMap<>();
    jdbc.list(
            "select name, uri from orchestrator.stage_outputs where stage_run_id = ?",
            rs -> Map.entry(rs.getString(1), rs.getString(2)),
            stageRunId)
        .forEach(e -> outputs.put(e.getKey(), e.getValue()));
    return outputs;
  }

  /**
   * The outputs of the latest succeeded attempt of the named stages of each run ({@code stageIds}
   * by run), with one statement: by run, then by stage, then by output name. Only the named stages
   * are looked up (by the run's and stage's index), not every stage of the runs.
   */
  public Map<UUID, Map<String, Map<String, String>>> latestOf(
      Map<UUID, ? extends Collection<String>> stageIds) {
    Map<UUID, Map<String, Map<String, String>>> outputs = new HashMap<>();
    List<UUID> runs = new ArrayList<>();
    List<String> stages = new ArrayList<>();
    stageIds.forEach(
        (run, ids) ->
            ids.forEach(
                id -> {
                  runs.add(run);
                  stages.add(id);
                }));
    if (runs.isEmpty()) {
      return outputs;
    }
    jdbc.list(
            "select s.run_id, s.stage_id, o.name, o.uri from unnest(?, ?) as w(run_id, stage_id)"
                + " join jobs.stage_runs s on s.run_id = w.run_id and s.stage_id = w.stage_id"
                + " join orchestrator.stage_outputs o on o.stage_run_id = s.id"
                + " where s.status = 'SUCCEEDED'"
                + " and s.attempt = (select max(x.attempt) from jobs.stage_runs x"
                + "   where x.run_id = s.run_id and x.stage_id = s.stage_id"
                + "   and x.status = 'SUCCEEDED')",
            rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)},
            Jdbc.array("uuid", runs),
            Jdbc.array("text", stages))
        .forEach(
            row ->
                outputs
                    .computeIfAbsent(UUID.fromString(row[0]), id -> new HashMap<>())
                    .computeIfAbsent(row[1], id -> new TreeMap<>())
                    .put(row[2], row[3]));
    return outputs;
  }

  /**
   * The outputs of the latest succeeded attempt of each of {@code stageIds} in the run, keyed
   * {@code <stage>.<output>}: what a stage that depends on them gets as its inputs. A stage that
   * succeeded before a resume keeps its outputs, so a rerun downstream stage reads them again.
   */
  public Map<String, String> inputs(UUID runId, List<String> stageIds) {
    Map<String, String> inputs = new TreeMap<>();
    if (stageIds.isEmpty()) {
      return inputs;
    }
    jdbc.list(
            "select s.stage_id, o.name, o.uri from orchestrator.stage_outputs o"
                + " join jobs.stage_runs s on s.id = o.stage_run_id"
                + " where s.run_id = ? and s.stage_id = any(?) and s.status = 'SUCCEEDED'"
                + " and s.attempt = (select max(x.attempt) from jobs.stage_runs x"
                + "   where x.run_id = s.run_id and x.stage_id = s.stage_id"
                + "   and x.status = 'SUCCEEDED')",
            rs -> Map.entry(rs.getString(1) + "." + rs.getString(2), rs.getString(3)),
            runId,
            stageIds.toArray(String[]::new))
        .forEach(e -> inputs.put(e.getKey(), e.getValue()));
    return inputs;
  }
}
