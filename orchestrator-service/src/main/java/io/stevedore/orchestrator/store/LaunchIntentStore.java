package io.stevedore.orchestrator.store;

import io.stevedore.common.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Launch intents ({@code orchestrator.launch_intents}): written before a task is started. */
@ApplicationScoped
public class LaunchIntentStore {

  private static final String COLUMNS =
      "i.stage_run_id, i.launcher, i.client_token, i.started_by, i.requested_at, i.task_ref,"
          + " i.confirmed_at, i.pid, i.process_started_at, i.log_file, i.started_file,"
          + " i.exit_file, i.deadline_at, i.ended_at";

  private final Jdbc jdbc;

  LaunchIntentStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  public void insert(LaunchIntent intent) {
    jdbc.update(
        "insert into orchestrator.launch_intents (stage_run_id, launcher, client_token,"
            + " started_by, requested_at, log_file, started_file, exit_file, deadline_at)"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        intent.stageRunId(),
        intent.launcher(),
        intent.clientToken(),
        intent.startedBy(),
        intent.requestedAt(),
        intent.logFile(),
        intent.startedFile(),
        intent.exitFile(),
        intent.deadlineAt());
  }

  /** Inserts several intents with one statement. */
  public void insertAll(List<LaunchIntent> all) {
    if (all.isEmpty()) {
      return;
    }
    jdbc.update(
        "insert into orchestrator.launch_intents (stage_run_id, launcher, client_token,"
            + " started_by, requested_at, log_file, started_file, exit_file, deadline_at)"
            + " select * from unnest(?, ?, ?, ?, ?, ?, ?, ?, ?)",
        Jdbc.array("uuid", all.stream().map(LaunchIntent::stageRunId).toList()),
        Jdbc.array("text", all.stream().map(LaunchIntent::launcher).toList()),
        Jdbc.array("text", all.stream().map(LaunchIntent::clientToken).toList()),
        Jdbc.array("text", all.stream().map(LaunchIntent::startedBy).toList()),
        Jdbc.array("timestamptz", all.stream().map(LaunchIntent::requestedAt).toList()),
        Jdbc.array("text", all.stream().map(LaunchIntent::logFile).toList()),
        Jdbc.array("text", all.stream().map(LaunchIntent::startedFile).toList()),
        Jdbc.array("text", all.stream().map(LaunchIntent::exitFile).toList()),
        Jdbc.array("timestamptz", all.stream().map(LaunchIntent::deadlineAt).toList()));
  }

  /** What the launcher answered for one intent, for {@link #confirmAll}. */
  public record Confirmation(UUID stageRunId, String taskRef, Long pid, Instant started) {}

  /** Records several launcher answers with one statement. */
  public void confirmAll(List<Confirmation> all, Instant now) {
    if (all.isEmpty()) {
      return;
    }
    jdbc.update(
        "update orchestrator.launch_intents i set task_ref = u.task_ref, pid = u.pid,"
            + " process_started_at = u.started, confirmed_at = coalesce(i.confirmed_at, ?)"
            + " from unnest(?, ?, ?, ?) as u(id, task_ref, pid, started)"
            + " where i.stage_run_id = u.id",
        now,
        Jdbc.array("uuid", all.stream().map(Confirmation::stageRunId).toList()),
        Jdbc.array("text", all.stream().map(Confirmation::taskRef).toList()),
        Jdbc.array("int8", all.stream().map(Confirmation::pid).toList()),
        Jdbc.array("timestamptz", all.stream().map(Confirmation::started).toList()));
  }

  /** Marks several intents ended, in one statement. */
  public void markEndedAll(Collection<UUID> stageRunIds, Instant now) {
    if (stageRunIds.isEmpty()) {
      return;
    }
    // "(ended_at || '') is null" keeps the planner on the primary key: with "ended_at is null" it
    // took the partial index of open intents, whose statistics lag behind a burst of launches, and
    // read every open intent.
    jdbc.update(
        "update orchestrator.launch_intents set ended_at = coalesce(ended_at, ?)"
            + " where stage_run_id = any (?) and (ended_at || '') is null",
        now,
        stageRunIds.toArray(UUID[]::new));
  }

  public Optional<LaunchIntent> find(UUID stageRunId) {
    return jdbc.one(
        "select " + COLUMNS + " from orchestrator.launch_intents i where i.stage_run_id = ?",
        LaunchIntentStore::map,
        stageRunId);
  }

  /** Records what the launcher answered: the task (a pid and its start time locally). */
  public void confirm(UUID stageRunId, String taskRef, Long pid, Instant started, Instant now) {
    jdbc.update(
        "update orchestrator.launch_intents set task_ref = ?, pid = ?, process_started_at = ?,"
            + " confirmed_at = coalesce(confirmed_at, ?) where stage_run_id = ?",
        taskRef,
        pid,
        started,
        now,
        stageRunId);
  }

  /**
   * Records the task's status as the launcher saw it; the first RUNNING also sets {@code
   * task_running_at}. Returns whether the intent exists.
   */
  public boolean taskStatus(UUID stageRunId, String status, Instant at) {
    return jdbc.update(
            "update orchestrator.launch_intents set task_status = ?, task_status_at = ?,"
                + " task_running_at = case when ? = 'RUNNING' then coalesce(task_running_at, ?)"
                + " else task_running_at end where stage_run_id = ?",
            status,
            at,
            status,
            at,
            stageRunId)
        > 0;
  }

  /**
   * Records a heartbeat of the attempt's worker. Returns whether the attempt still runs (its intent
   * open and the attempt not ended: a task stopped for its timeout may beat until it is gone).
   */
  public boolean heartbeat(UUID stageRunId, Instant at) {
    return jdbc.update(
            "update orchestrator.launch_intents i set last_heartbeat_at ="
                + " greatest(coalesce(i.last_heartbeat_at, ?), ?)"
                + " where i.stage_run_id = ? and i.ended_at is null and exists (select 1 from"
                + " jobs.stage_runs s where s.id = i.stage_run_id and s.status in ('LAUNCHING',"
                + " 'RUNNING'))",
            at,
            at,
            stageRunId)
        > 0;
  }

  public void markEnded(UUID stageRunId, Instant now) {
    jdbc.update(
        "update orchestrator.launch_intents set ended_at = coalesce(ended_at, ?)"
            + " where stage_run_id = ?",
        now,
        stageRunId);
  }

  /** Intents of this launcher whose task has not been seen to end. */
  public List<LaunchIntent> open(String launcher) {
    return jdbc.list(
        "select "
            + COLUMNS
            + " from orchestrator.launch_intents i where i.ended_at is null and i.launcher = ?"
            + " order by i.requested_at",
        LaunchIntentStore::map,
        launcher);
  }

  /** Running attempts past their deadline. */
  public List<LaunchIntent> overdue(Instant now) {
    return jdbc.list(
        "select "
            + COLUMNS
            + " from orchestrator.launch_intents i join jobs.stage_runs s"
            + " on s.id = i.stage_run_id and s.status in ('LAUNCHING', 'RUNNING')"
            + " where i.ended_at is null and i.deadline_at <= ?",
        LaunchIntentStore::map,
        now);
  }

  static LaunchIntent map(ResultSet rs) throws SQLException {
    long pid = rs.getLong("pid");
    Long pidValue = rs.wasNull() ? null : pid;
    return new LaunchIntent(
        rs.getObject("stage_run_id", UUID.class),
        rs.getString("launcher"),
        rs.getString("client_token"),
        rs.getString("started_by"),
        Jdbc.instant(rs, "requested_at"),
        rs.getString("task_ref"),
        Jdbc.instant(rs, "confirmed_at"),
        pidValue,
        Jdbc.instant(rs, "process_started_at"),
        rs.getString("log_file"),
        rs.getString("started_file"),
        rs.getString("exit_file"),
        Jdbc.instant(rs, "deadline_at"),
        Jdbc.instant(rs, "ended_at"));
  }
}
