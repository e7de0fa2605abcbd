package io.stevedore.scheduler.store;

import io.stevedore.common.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Schedules (schema {@code scheduler}): one per pipeline that declares one. */
@ApplicationScoped
public class ScheduleStore {

  /** A schedule row. */
  public record ScheduleRow(
      UUID pipelineId,
      UUID teamId,
      String cron,
      String timezone,
      String catchup,
      Integer maxCatchup,
      boolean paused,
      Instant nextFireAt,
      Instant lastFiredAt) {}

  private static final String COLUMNS =
      "pipeline_id, team_id, cron, timezone, catchup, max_catchup, paused, next_fire_at,"
          + " last_fired_at";

  private final Jdbc jdbc;

  ScheduleStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  static ScheduleRow row(ResultSet rs) throws SQLException {
    return new ScheduleRow(
        rs.getObject("pipeline_id", UUID.class),
        rs.getObject("team_id", UUID.class),
        rs.getString("cron"),
        rs.getString("timezone"),
        rs.getString("catchup"),
        (Integer) rs.getObject("max_catchup"),
        rs.getBoolean("paused"),
        Jdbc.instant(rs, "next_fire_at"),
        Jdbc.instant(rs, "last_fired_at"));
  }

  public Optional<ScheduleRow> find(UUID teamId, UUID pipelineId) {
    return jdbc.one(
        "select " + COLUMNS + " from scheduler.schedules where team_id = ? and pipeline_id = ?",
        ScheduleStore::row,
        teamId,
        pipelineId);
  }

  public void upsert(
      UUID pipelineId,
      UUID teamId,
      String cron,
      String timezone,
      String catchup,
      Integer maxCatchup,
      Instant nextFireAt,
      Instant now) {
    jdbc.update(
        "insert into scheduler.schedules (pipeline_id, team_id, cron, timezone, catchup,"
            + " max_catchup, next_fire_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)"
            + " on conflict (pipeline_id) do update set cron = excluded.cron,"
            + " timezone = excluded.timezone, catchup = excluded.catchup,"
            + " max_catchup = excluded.max_catchup, next_fire_at = excluded.next_fire_at,"
            + " updated_at = excluded.updated_at",
        pipelineId,
        teamId,
        cron,
        timezone,
        catchup,
        maxCatchup,
        nextFireAt,
        now);
  }

  public void delete(UUID pipelineId) {
    jdbc.update("delete from scheduler.schedules where pipeline_id = ?", pipelineId);
  }

  public boolean setPaused(
      UUID teamId, UUID pipelineId, boolean paused, Instant nextFireAt, Instant now) {
    return jdbc.update(
            "update scheduler.schedules set paused = ?, next_fire_at = coalesce(?, next_fire_at),"
                + " updated_at = ? where team_id = ? and pipeline_id = ?",
            paused,
            nextFireAt,
            now,
            teamId,
            pipelineId)
        == 1;
  }

  /**
   * Claims due schedules: locked until the transaction ends, skipping those another scheduler
   * instance holds, so each due fire time is handled by exactly one instance.
   */
  public List<ScheduleRow> claimDue(Instant now, int limit) {
    return jdbc.list(
        "select "
            + COLUMNS
            + " from scheduler.schedules where not paused and next_fire_at <= ?"
            + " order by next_fire_at limit ? for update skip locked",
        ScheduleStore::row,
        now,
        limit);
  }

  public void advance(UUID pipelineId, Instant nextFireAt, Instant lastFiredAt, Instant now) {
    jdbc.update(
        "update scheduler.schedules set next_fire_at = ?,"
            + " last_fired_at = coalesce(?, last_fired_at), updated_at = ? where pipeline_id = ?",
        nextFireAt,
        lastFiredAt,
        now,
        pipelineId);
  }
}
