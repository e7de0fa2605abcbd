package io.stevedore.scheduler.store;

import io.stevedore.common.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Backfills and their items (schema {@code scheduler}). */
@ApplicationScoped
public class BackfillStore {

  /** A backfill row with its progress. */
  public record BackfillRow(
      UUID id,
      UUID teamId,
      UUID pipelineId,
      int pipelineVersion,
      Instant from,
      Instant to,
      int maxActive,
      String parametersJson,
      String status,
      Instant createdAt) {}

  /** Counts of a backfill's items. */
  public record Progress(int total, int started, int active, int succeeded, int failed) {}

  private static final String COLUMNS =
      "id, team_id, pipeline_id, pipeline_version, from_date, to_date, max_active,"
          + " parameters::text as parameters, status, created_at";

  private final Jdbc jdbc;

  BackfillStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  static BackfillRow row(ResultSet rs) throws SQLException {
    return new BackfillRow(
        rs.getObject("id", UUID.class),
        rs.getObject("team_id", UUID.class),
        rs.getObject("pipeline_id", UUID.class),
        rs.getInt("pipeline_version"),
        Jdbc.instant(rs, "from_date"),
        Jdbc.instant(rs, "to_date"),
        rs.getInt("max_active"),
        rs.getString("parameters"),
        rs.getString("status"),
        Jdbc.instant(rs, "created_at"));
  }

  public void insert(BackfillRow b, List<Instant> logicalDates, Instant now) {
    jdbc.update(
        "insert into scheduler.backfills (id, team_id, pipeline_id, pipeline_version, from_date,"
            + " to_date, max_active, parameters, status, created_at, updated_at)"
            + " values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, 'RUNNING', ?, ?)",
        b.id(),
        b.teamId(),
        b.pipelineId(),
        b.pipelineVersion(),
        b.from(),
        b.to(),
        b.maxActive(),
        b.parametersJson(),
        now,
        now);
    for (Instant date : logicalDates) {
      jdbc.update(
          "insert into scheduler.backfill_items (backfill_id, logical_date) values (?, ?)",
          b.id(),
          date);
    }
  }

  public Optional<BackfillRow> find(UUID teamId, UUID id) {
    return jdbc.one(
        "select " + COLUMNS + " from scheduler.backfills where team_id = ? and id = ?",
        BackfillStore::row,
        teamId,
        id);
  }

  /** Running backfills, locked (skipping those another instance is advancing). */
  public List<BackfillRow> claimRunning(int limit) {
    return jdbc.list(
        "select "
            + COLUMNS
            + " from scheduler.backfills where status = 'RUNNING' order by created_at"
            + " limit ? for update skip locked",
        BackfillStore::row,
        limit);
  }

  public Progress progress(UUID backfillId) {
    return jdbc.one(
            "select count(*) as total, count(i.run_id) as started,"
                + " count(*) filter (where r.status in ('QUEUED', 'RUNNING')) as active,"
                + " count(*) filter (where r.status = 'SUCCEEDED') as succeeded,"
                + " count(*) filter (where r.status in ('FAILED', 'CANCELLED', 'TIMED_OUT'))"
                + " as failed"
                + " from scheduler.backfill_items i left join jobs.runs r on r.id = i.run_id"
                + " where i.backfill_id = ?",
            rs ->
                new Progress(
                    rs.getInt("total"),
                    rs.getInt("started"),
                    rs.getInt("active"),
                    rs.getInt("succeeded"),
                    rs.getInt("failed")),
            backfillId)
        .orElseThrow();
  }

  /** The earliest logical dates without a run yet. */
  public List<Instant> pending(UUID backfillId, int limit) {
    return jdbc.list(
        "select logical_date from scheduler.backfill_items where backfill_id = ?"
            + " and run_id is null order by logical_date limit ?",
        rs -> Jdbc.instant(rs, "logical_date"),
        backfillId,
        limit);
  }

  public void started(UUID backfillId, Instant logicalDate, UUID runId) {
    jdbc.update(
        "update scheduler.backfill_items set run_id = ? where backfill_id = ?"
            + " and logical_date = ?",
        runId,
        backfillId,
        logicalDate);
  }

  public void setStatus(UUID backfillId, String status, Instant now) {
    jdbc.update(
        "update scheduler.backfills set status = ?, updated_at = ? where id = ?",
        status,
        now,
        backfillId);
  }
}
