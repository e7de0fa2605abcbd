package io.stevedore.orchestrator.store;

import io.stevedore.common.store.Jdbc;
import io.stevedore.orchestrator.domain.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Runs in {@code jobs.runs}: the orchestrator owns their status from QUEUED on. */
@ApplicationScoped
public class RunStore {

  private static final String SELECT =
      "select r.id, r.team_id, t.name as team_name, r.pipeline_id, p.name as pipeline_name,"
          + " r.pipeline_version, r.status, r.logical_date, r.parameters::text as parameters,"
          + " r.reason, r.created_at, r.started_at, r.ended_at"
          + " from jobs.runs r join jobs.pipelines p on p.id = r.pipeline_id"
          + " join jobs.teams t on t.id = r.team_id";

  private final Jdbc jdbc;

  RunStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Reads a run and locks it until the transaction ends: every change to a run goes through it.
   * {@code for no key update}: the run's key never changes, so rows that only reference it (stage
   * attempts, gate decisions) can be inserted by other transactions without waiting for this one.
   */
  public Optional<RunRow> lock(UUID runId) {
    return jdbc.one(SELECT + " where r.id = ? for no key update of r", RunStore::map, runId);
  }

  /**
   * Locks several runs, in id order so that two transactions locking overlapping sets never wait
   * for each other in a circle; returns them by id.
   */
  public Map<UUID, RunRow> lockAll(Collection<UUID> runIds) {
    return lockedWhere("r.id = any (?)", runIds);
  }

  /**
   * Locks the runs of several stage attempts (as {@link #lockAll}, in id order) with one statement;
   * returns them by id.
   */
  public Map<UUID, RunRow> lockAllOfAttempts(Collection<UUID> stageRunIds) {
    return lockedWhere(
        "r.id in (select s.run_id from jobs.stage_runs s where s.id = any (?))", stageRunIds);
  }

  /** Locks the runs matching {@code condition} on an id array, in id order; by id. */
  private Map<UUID, RunRow> lockedWhere(String condition, Collection<UUID> ids) {
    Map<UUID, RunRow> locked = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return locked;
    }
    for (RunRow run :
        jdbc.list(
            SELECT + " where " + condition + " order by r.id for no key update of r",
            RunStore::map,
            (Object) ids.toArray(UUID[]::new))) {
      locked.put(run.id(), run);
    }
    return locked;
  }

  /** Several runs by id, in one statement. */
  public Map<UUID, RunRow> findAll(Collection<UUID> runIds) {
    Map<UUID, RunRow> found = new HashMap<>();
    if (runIds.isEmpty()) {
      return found;
    }
    for (RunRow run :
        jdbc.list(
            SELECT + " where r.id = any (?)",
            RunStore::map,
            (Object) runIds.toArray(UUID[]::new))) {
      found.put(run.id(), run);
    }
    return found;
  }

  /** Whether the team has a queued run (read without taking the admission lock). */
  public boolean hasQueued(UUID teamId) {
    return jdbc.one(
            "select exists (select 1 from jobs.runs where team_id = ? and status = 'QUEUED')",
            rs -> rs.getBoolean(1),
            teamId)
        .orElse(false);
  }

  public Optional<RunRow> find(UUID runId) {
    return jdbc.one(SELECT + " where r.id = ?", RunStore::map, runId);
  }

  /** The run if it belongs to the team (a run of another team is not found). */
  public Optional<RunRow> find(UUID teamId, UUID runId) {
    return jdbc.one(SELECT + " where r.id = ? and r.team_id = ?", RunStore::map, runId, teamId);
  }

  /** Serializes admission decisions of one team until the transaction ends. */
  public void lockTeamAdmission(UUID teamId) {
    jdbc.one(
        "select pg_advisory_xact_lock(hashtextextended(?, 7411))",
        rs -> rs.getObject(1),
        "admit:" + teamId);
  }

  /** Teams that have queued runs. */
  public List<UUID> teamsWithQueuedRuns() {
    return jdbc.list(
        "select distinct team_id from jobs.runs where status = 'QUEUED'",
        rs -> rs.getObject(1, UUID.class));
  }

  /** A team's queued runs, oldest first. */
  public List<RunRow> queued(UUID teamId) {
    return jdbc.list(
        SELECT + " where r.team_id = ? and r.status = 'QUEUED' order by r.created_at, r.id",
        RunStore::map,
        teamId);
  }

  public int countRunning(UUID teamId) {
    return jdbc.one(
            "select count(*) from jobs.runs where team_id = ? and status = 'RUNNING'",
            rs -> rs.getInt(1),
            teamId)
        .orElse(0);
  }

  public int countRunningOfPipeline(UUID pipelineId) {
    return jdbc.one(
            "select count(*) from jobs.runs where pipeline_id = ? and status = 'RUNNING'",
            rs -> rs.getInt(1),
            pipelineId)
        .orElse(0);
  }

  /** QUEUED to RUNNING for several runs, in one statement. */
  public void markStartedAll(Collection<UUID> runIds, Instant now) {
    if (runIds.isEmpty()) {
      return;
    }
    jdbc.update(
        "update jobs.runs set status = 'RUNNING', started_at = coalesce(started_at, ?),"
            + " ended_at = null, reason = null, updated_at = ? where id = any (?)",
        now,
        now,
        (Object) runIds.toArray(UUID[]::new));
  }

  /** A resumed run runs again. */
  public void markResumed(UUID runId, String reason, Instant now) {
    jdbc.update(
        "update jobs.runs set status = 'RUNNING', ended_at = null, reason = ?, updated_at = ?"
            + " where id = ?",
        reason,
        now,
        runId);
  }

  public void markEnded(UUID runId, RunStatus status, String reason, Instant now) {
    jdbc.update(
        "update jobs.runs set status = ?, reason = ?, ended_at = ?, updated_at = ? where id = ?",
        status,
        reason,
        now,
        now,
        runId);
  }

  /** How a run ends, for {@link #markEndedAll}. */
  public record End(UUID runId, RunStatus status, String reason) {}

  /** Ends several runs with one statement (as {@link #markEnded} each). */
  public void markEndedAll(List<End> ends, Instant now) {
    if (ends.isEmpty()) {
      return;
    }
    jdbc.update(
        "update jobs.runs r set status = u.status, reason = u.reason, ended_at = ?, updated_at = ?"
            + " from unnest(?, ?, ?) as u(id, status, reason) where r.id = u.id",
        now,
        now,
        Jdbc.array("uuid", ends.stream().map(End::runId).toList()),
        Jdbc.array("text", ends.stream().map(e -> e.status().name()).toList()),
        Jdbc.array("text", ends.stream().map(End::reason).toList()));
  }

  static RunRow map(ResultSet rs) throws SQLException {
    return new RunRow(
        rs.getObject("id", UUID.class),
        rs.getObject("team_id", UUID.class),
        rs.getString("team_name"),
        rs.getObject("pipeline_id", UUID.class),
        rs.getString("pipeline_name"),
        rs.getInt("pipeline_version"),
        RunStatus.valueOf(rs.getString("status")),
        Jdbc.instant(rs, "logical_date"),
        rs.getString("parameters"),
        rs.getString("reason"),
        Jdbc.instant(rs, "created_at"),
        Jdbc.instant(rs, "started_at"),
        Jdbc.instant(rs, "ended_at"));
  }
}
