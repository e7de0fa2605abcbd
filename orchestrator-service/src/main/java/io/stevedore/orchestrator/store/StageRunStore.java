package io.stevedore.orchestrator.store;

import io.stevedore.common.store.Jdbc;
import io.stevedore.orchestrator.domain.StageStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Stage attempts in {@code jobs.stage_runs}, one row per attempt. */
@ApplicationScoped
public class StageRunStore {

  // The statements that update attempts listed in an array test their status as "(s.status || '')":
  // the planner then finds them by primary key. With a plain "s.status in (...)" it used the
  // partial
  // due index, whose statistics lag behind a burst of new attempts: believing it held one row, it
  // scanned every active attempt once per listed id (a fan-out of 1,000 took 17 ms per batch).
  /**
   * The update of a claim, after a {@code due} (id, previous) clause: the claimed attempts become
   * LAUNCHING, and are returned with the status they had before (the events' previous status).
   */
  private static final String CLAIM =
      " update jobs.stage_runs c set status = 'LAUNCHING', launcher = ?, updated_at = ?"
          + " from due where c.id = due.id returning c.id, c.run_id, c.stage_id, c.attempt,"
          + " due.previous as status, c.failure_class, c.reason, c.launcher, c.task_ref,"
          + " c.exit_code, c.not_before, c.created_at, c.started_at, c.ended_at";

  /**
   * A claim's condition that the attempt's run is RUNNING, looked up per candidate through the
   * run's primary key. As a join on {@code r.status = 'RUNNING'} the planner, estimating one due
   * row, scanned the {@code runs_active} index for every candidate: all running runs each time
   * (with 1,000 running chains, 200,000 index entries for a batch of 200, a third of the
   * orchestrator's Postgres time).
   */
  private static final String RUN_IS_RUNNING =
      "   and (select r.status from jobs.runs r where r.id = s.run_id) = 'RUNNING'";

  private static final String COLUMNS =
      "id, run_id, stage_id, attempt, status, failure_class, reason, launcher, task_ref,"
          + " exit_code, not_before, created_at, started_at, ended_at";

  /** {@link #COLUMNS} of the table aliased {@code s}. */
  private static final String S_COLUMNS = "s." + COLUMNS.replace(", ", ", s.");

  private final Jdbc jdbc;

  StageRunStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** Adds an attempt; a SKIPPED one is ended at once. */
  public StageRunRow insert(
      UUID runId,
      String stageId,
      int attempt,
      StageStatus status,
      String reason,
      Instant notBefore,
      Instant now) {
    UUID id = UUID.randomUUID();
    Instant ended = status == StageStatus.SKIPPED ? now : null;
    jdbc.update(
        "insert into jobs.stage_runs (id, run_id, stage_id, attempt, status, reason, not_before,"
            + " created_at, ended_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        id,
        runId,
        stageId,
        attempt,
        status,
        reason,
        notBefore,
        now,
        ended,
        now);
    return new StageRunRow(
        id, runId, stageId, attempt, status, null, reason, null, null, null, notBefore, now, null,
        ended);
  }

  /** Several attempts by id (those that exist), in one statement. */
  public Map<UUID, StageRunRow> findAll(Collection<UUID> ids) {
    Map<UUID, StageRunRow> found = new HashMap<>();
    if (ids.isEmpty()) {
      return found;
    }
    for (StageRunRow row :
        jdbc.list(
            "select " + COLUMNS + " from jobs.stage_runs where id = any (?)",
            StageRunStore::map,
            (Object) ids.toArray(UUID[]::new))) {
      found.put(row.id(), row);
    }
    return found;
  }

  /** The latest attempt of every stage of each run, by run, in one statement. */
  public Map<UUID, List<StageRunRow>> latestAll(Collection<UUID> runIds) {
    Map<UUID, List<StageRunRow>> latest = new HashMap<>();
    if (runIds.isEmpty()) {
      return latest;
    }
    for (StageRunRow row :
        jdbc.list(
            "select distinct on (run_id, stage_id) "
                + COLUMNS
                + " from jobs.stage_runs where run_id = any (?)"
                + " order by run_id, stage_id, attempt desc",
            StageRunStore::map,
            (Object) runIds.toArray(UUID[]::new))) {
      latest.computeIfAbsent(row.runId(), id -> new ArrayList<>()).add(row);
    }
    return latest;
  }

  /** Those of the runs that have an attempt in flight (PENDING to RUNNING), in one statement. */
  public Set<UUID> withActiveAttempts(Collection<UUID> runIds) {
    if (runIds.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        jdbc.list(
            // per run, its own attempts by the (run_id, ...) key until the first in flight: a
            // lateral join with a limit, which the planner cannot turn into a scan of all attempts
            "select r.id from unnest(?) as r(id) cross join lateral (select 1 from"
                + " jobs.stage_runs s where s.run_id = r.id and (s.status || '') in"
                + " ('PENDING', 'WAITING_FOR_CAPACITY', 'LAUNCHING', 'RUNNING') limit 1) as active",
            rs -> rs.getObject(1, UUID.class),
            (Object) runIds.toArray(UUID[]::new)));
  }

  /** How an active attempt ends, for {@link #endAll}. */
  public record End(
      UUID id, StageStatus status, String failureClass, String reason, Integer exitCode) {}

  /**
   * Ends several active attempts with one statement (as {@link #end} each); returns the ids of
   * those that changed (an attempt that had already ended is left as it is).
   */
  public Set<UUID> endAll(List<End> ends, Instant now) {
    if (ends.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        jdbc.list(
            "update jobs.stage_runs s set status = u.status, failure_class = u.failure_class,"
                + " reason = u.reason, exit_code = coalesce(u.exit_code, s.exit_code),"
                + " ended_at = ?, updated_at = ?"
                + " from unnest(?, ?, ?, ?, ?) as u(id, status, failure_class, reason, exit_code)"
                + " where s.id = u.id and (s.status || '') in"
                + " ('PENDING', 'WAITING_FOR_CAPACITY', 'LAUNCHING', 'RUNNING')"
                + " returning s.id",
            rs -> rs.getObject(1, UUID.class),
            now,
            now,
            Jdbc.array("uuid", ends.stream().map(End::id).toList()),
            Jdbc.array("text", ends.stream().map(End::status).toList()),
            Jdbc.array("text", ends.stream().map(End::failureClass).toList()),
            Jdbc.array("text", ends.stream().map(End::reason).toList()),
            Jdbc.array("int4", ends.stream().map(End::exitCode).toList())));
  }

  /**
   * A new attempt, for {@link #insertAll}; {@code launcher} is set for one written LAUNCHING,
   * claimed by the transaction that creates it.
   */
  public record NewAttempt(
      UUID id,
      UUID runId,
      String stageId,
      int attempt,
      StageStatus status,
      String reason,
      Instant notBefore,
      String launcher) {

    /** A new attempt that is not claimed yet, with a new id. */
    public NewAttempt(
        UUID runId,
        String stageId,
        int attempt,
        StageStatus status,
        String reason,
        Instant notBefore) {
      this(UUID.randomUUID(), runId, stageId, attempt, status, reason, notBefore, null);
    }
  }

  /** Adds several attempts with one statement (as {@link #insert} each). */
  public void insertAll(List<NewAttempt> attempts, Instant now) {
    if (attempts.isEmpty()) {
      return;
    }
    jdbc.update(
        "insert into jobs.stage_runs (id, run_id, stage_id, attempt, status, reason, not_before,"
            + " launcher, created_at, ended_at, updated_at)"
            + " select u.id, u.run_id, u.stage_id, u.attempt, u.status, u.reason, u.not_before,"
            + " u.launcher, ?, case when u.status = 'SKIPPED' then ?::timestamptz end, ?"
            + " from unnest(?, ?, ?, ?, ?, ?, ?, ?)"
            + " as u(id, run_id, stage_id, attempt, status, reason, not_before, launcher)",
        now,
        now,
        now,
        Jdbc.array("uuid", attempts.stream().map(NewAttempt::id).toList()),
        Jdbc.array("uuid", attempts.stream().map(NewAttempt::runId).toList()),
        Jdbc.array("text", attempts.stream().map(NewAttempt::stageId).toList()),
        Jdbc.array("int4", attempts.stream().map(NewAttempt::attempt).toList()),
        Jdbc.array("text", attempts.stream().map(NewAttempt::status).toList()),
        Jdbc.array("text", attempts.stream().map(NewAttempt::reason).toList()),
        Jdbc.array("timestamptz", attempts.stream().map(NewAttempt::notBefore).toList()),
        Jdbc.array("text", attempts.stream().map(NewAttempt::launcher).toList()));
  }

  /** A task's start, for {@link #markRunningAll}. */
  public record Running(UUID id, String taskRef) {}

  /**
   * LAUNCHING to RUNNING for several attempts with one statement; returns the attempts that
   * changed, as they are now, by id (the others moved on meanwhile).
   */
  public Map<UUID, StageRunRow> markRunningAll(List<Running> started, Instant now) {
    Map<UUID, StageRunRow> changed = new HashMap<>();
    if (started.isEmpty()) {
      return changed;
    }
    for (StageRunRow row :
        jdbc.list(
            "update jobs.stage_runs s set status = 'RUNNING', task_ref = u.task_ref, reason = null,"
                + " started_at = coalesce(s.started_at, ?), heartbeat_at = ?, updated_at = ?"
                + " from unnest(?, ?) as u(id, task_ref)"
                + " where s.id = u.id and (s.status || '') = 'LAUNCHING' returning "
                + S_COLUMNS,
            StageRunStore::map,
            now,
            now,
            now,
            Jdbc.array("uuid", started.stream().map(Running::id).toList()),
            Jdbc.array("text", started.stream().map(Running::taskRef).toList()))) {
      changed.put(row.id(), row);
    }
    return changed;
  }

  public Optional<StageRunRow> find(UUID id) {
    return jdbc.one(
        "select " + COLUMNS + " from jobs.stage_runs where id = ?", StageRunStore::map, id);
  }

  public Optional<StageRunRow> find(UUID runId, String stageId, int attempt) {
    return jdbc.one(
        "select "
            + COLUMNS
            + " from jobs.stage_runs where run_id = ? and stage_id = ? and attempt = ?",
        StageRunStore::map,
        runId,
        stageId,
        attempt);
  }

  /** The latest attempt of every stage of the run that has one. */
  public List<StageRunRow> latest(UUID runId) {
    return jdbc.list(
        "select distinct on (stage_id) "
            + COLUMNS
            + " from jobs.stage_runs where run_id = ? order by stage_id, attempt desc",
        StageRunStore::map,
        runId);
  }

  /** Every attempt of the run, by stage and attempt. */
  public List<StageRunRow> all(UUID runId) {
    return jdbc.list(
        "select " + COLUMNS + " from jobs.stage_runs where run_id = ? order by stage_id, attempt",
        StageRunStore::map,
        runId);
  }

  /** Attempts still in flight. */
  public List<StageRunRow> active(UUID runId) {
    return jdbc.list(
        "select "
            + COLUMNS
            + " from jobs.stage_runs where run_id = ? and status in"
            + " ('PENDING', 'WAITING_FOR_CAPACITY', 'LAUNCHING', 'RUNNING') order by stage_id",
        StageRunStore::map,
        runId);
  }

  /**
   * Claims due attempts of running runs: sets them LAUNCHING and returns them with the status they
   * had before (PENDING or WAITING_FOR_CAPACITY), oldest due first. A row another transaction holds
   * is skipped, so several dispatchers never claim the same one.
   */
  public List<StageRunRow> claimDue(Instant now, int limit, String launcher) {
    return jdbc.list(
        "with due as (select s.id, s.status as previous from jobs.stage_runs s"
            + "   where s.status in ('PENDING', 'WAITING_FOR_CAPACITY')"
            + RUN_IS_RUNNING
            + "   and (s.not_before is null or s.not_before <= ?)"
            + "   order by coalesce(s.not_before, s.created_at), s.created_at, s.id"
            + "   limit ? for update of s skip locked)"
            + CLAIM,
        StageRunStore::map,
        now,
        limit,
        launcher,
        now);
  }

  /**
   * Claims up to {@code limit} due PENDING attempts of the given runs (their rows locked by the
   * caller), as {@link #claimDue} does for all runs: for the attempts a completion has just
   * started.
   */
  public List<StageRunRow> claimDueOfRuns(
      Collection<UUID> runIds, Instant now, String launcher, int limit) {
    if (runIds.isEmpty() || limit <= 0) {
      return List.of();
    }
    return jdbc.list(
        "with due as (select s.id, s.status as previous from jobs.stage_runs s"
            + "   where s.run_id = any (?) and s.status = 'PENDING'"
            + RUN_IS_RUNNING
            + "   and (s.not_before is null or s.not_before <= ?)"
            + "   order by s.created_at, s.id limit ? for update of s skip locked)"
            + CLAIM,
        StageRunStore::map,
        (Object) runIds.toArray(UUID[]::new),
        now,
        limit,
        launcher,
        now);
  }

  /** A claimed attempt that goes back to wait for capacity, and why. */
  public record Wait(UUID id, String reason) {}

  /** Puts claimed attempts back to wait for capacity, with one statement. */
  public void waitForCapacityAll(List<Wait> waits, Instant now) {
    if (waits.isEmpty()) {
      return;
    }
    jdbc.update(
        "update jobs.stage_runs s set status = 'WAITING_FOR_CAPACITY', reason = u.reason,"
            + " updated_at = ? from unnest(?, ?) as u(id, reason)"
            + " where s.id = u.id and (s.status || '') = 'LAUNCHING'",
        now,
        Jdbc.array("uuid", waits.stream().map(Wait::id).toList()),
        Jdbc.array("text", waits.stream().map(Wait::reason).toList()));
  }

  /**
   * LAUNCHING to RUNNING for a validate stage, whose work is a request to validation-service (its
   * launcher becomes VALIDATION); false if the attempt moved on meanwhile.
   */
  public boolean markValidating(UUID id, String taskRef, Instant now) {
    return jdbc.update(
            "update jobs.stage_runs set status = 'RUNNING', launcher = 'VALIDATION', task_ref = ?,"
                + " reason = null, started_at = coalesce(started_at, ?), updated_at = ?"
                + " where id = ? and status = 'LAUNCHING'",
            taskRef,
            now,
            now,
            id)
        == 1;
  }

  /** Ends an active attempt; false if it had already ended. */
  public boolean end(
      UUID id,
      StageStatus status,
      String failureClass,
      String reason,
      Integer exitCode,
      Instant now) {
    return jdbc.update(
            "update jobs.stage_runs set status = ?, failure_class = ?, reason = ?,"
                + " exit_code = coalesce(?, exit_code), ended_at = ?, updated_at = ?"
                + " where id = ? and status in"
                + " ('PENDING', 'WAITING_FOR_CAPACITY', 'LAUNCHING', 'RUNNING')",
            status,
            failureClass,
            reason,
            exitCode,
            now,
            now,
            id)
        == 1;
  }

  /**
   * Stores what the attempt's worker reported at its end ({@code result}, the JSON of a {@link
   * io.stevedore.common.contract.StageResult}), whatever the attempt's status: the result may
   * arrive after the exit that ended it. A repeated result writes nothing (the row is left alone
   * when it already holds an equal one); returns true when the row changed.
   */
  public boolean recordResult(UUID id, String resultJson) {
    return jdbc.update(
            "update jobs.stage_runs set result = ?::jsonb"
                + " where id = ? and result is distinct from ?::jsonb",
            resultJson,
            id,
            resultJson)
        == 1;
  }

  /** A stage attempt holding capacity, with the pipeline version that sizes it. */
  public record InFlight(String stageId, UUID pipelineId, int pipelineVersion) {}

  /** Attempts of this launcher that hold capacity (launching or running). */
  public List<InFlight> capacityHolders(String launcher) {
    return jdbc.list(
        "select s.stage_id, r.pipeline_id, r.pipeline_version from jobs.stage_runs s"
            + " join jobs.runs r on r.id = s.run_id"
            + " where s.status in ('LAUNCHING', 'RUNNING') and s.launcher = ?",
        rs -> new InFlight(rs.getString(1), rs.getObject(2, UUID.class), rs.getInt(3)),
        launcher);
  }

  /** Attempts launching or running, of this launcher. */
  public List<StageRunRow> inFlight(String launcher) {
    return jdbc.list(
        "select "
            + COLUMNS
            + " from jobs.stage_runs where status in ('LAUNCHING', 'RUNNING') and launcher = ?",
        StageRunStore::map,
        launcher);
  }

  static StageRunRow map(ResultSet rs) throws SQLException {
    int exit = rs.getInt("exit_code");
    Integer exitCode = rs.wasNull() ? null : exit;
    return new StageRunRow(
        rs.getObject("id", UUID.class),
        rs.getObject("run_id", UUID.class),
        rs.getString("stage_id"),
        rs.getInt("attempt"),
        StageStatus.valueOf(rs.getString("status")),
        rs.getString("failure_class"),
        rs.getString("reason"),
        rs.getString("launcher"),
        rs.getString("task_ref"),
        exitCode,
        Jdbc.instant(rs, "not_before"),
        Jdbc.instant(rs, "created_at"),
        Jdbc.instant(rs, "started_at"),
        Jdbc.instant(rs, "ended_at"));
  }
}
