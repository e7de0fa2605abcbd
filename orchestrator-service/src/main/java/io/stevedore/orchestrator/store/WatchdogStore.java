package io.stevedore.orchestrator.store;

import io.stevedore.common.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The watchdog's queries: open attempts that went silent or never got going. */
@ApplicationScoped
public class WatchdogStore {

  /** An attempt the watchdog acts on, with the time its limit is counted from. */
  public record Suspect(UUID stageRunId, String stageId, String status, Instant since) {}

  private final Jdbc jdbc;

  WatchdogStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** RUNNING attempts that sent a heartbeat, but none since {@code before}. */
  public List<Suspect> silentSince(Instant before) {
    return jdbc.list(
        "select s.id, s.stage_id, s.status, i.last_heartbeat_at as since from orchestrator.launch_intents i"
            + " join jobs.stage_runs s on s.id = i.stage_run_id and s.status = 'RUNNING'"
            + " where i.ended_at is null and i.last_heartbeat_at is not null"
            + " and i.last_heartbeat_at < ? order by i.last_heartbeat_at",
        WatchdogStore::suspect,
        before);
  }

  /** Attempts still LAUNCHING (no task confirmed) that were claimed before {@code before}. */
  public List<Suspect> launchingSince(Instant before) {
    return jdbc.list(
        "select s.id, s.stage_id, s.status, i.requested_at as since from orchestrator.launch_intents i"
            + " join jobs.stage_runs s on s.id = i.stage_run_id and s.status = 'LAUNCHING'"
            + " where i.ended_at is null and i.requested_at < ? order by i.requested_at",
        WatchdogStore::suspect,
        before);
  }

  /**
   * Attempts whose task was started but is still in a pending state (ECS PROVISIONING, PENDING,
   * ACTIVATING; never RUNNING) since before {@code before}.
   */
  public List<Suspect> pendingSince(Instant before) {
    return jdbc.list(
        "select s.id, s.stage_id, s.status, coalesce(i.confirmed_at, i.requested_at) as since"
            + " from orchestrator.launch_intents i"
            + " join jobs.stage_runs s on s.id = i.stage_run_id"
            + "   and s.status in ('LAUNCHING', 'RUNNING')"
            + " where i.ended_at is null and i.task_running_at is null"
            + " and i.task_status in ('PROVISIONING', 'PENDING', 'ACTIVATING')"
            + " and coalesce(i.confirmed_at, i.requested_at) < ?"
            + " order by coalesce(i.confirmed_at, i.requested_at)",
        WatchdogStore::suspect,
        before);
  }

  private static Suspect suspect(ResultSet rs) throws SQLException {
    return new Suspect(
        rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), Jdbc.instant(rs, "since"));
  }
}
