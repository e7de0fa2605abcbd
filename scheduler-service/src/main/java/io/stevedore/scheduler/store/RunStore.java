package io.stevedore.scheduler.store;

import io.stevedore.common.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Runs and their stage attempts (schema {@code jobs}); every query names the team. */
@ApplicationScoped
public class RunStore {

  /** A run row, with its pipeline's name. */
  public record RunRow(
      UUID id,
      UUID teamId,
      UUID pipelineId,
      String pipeline,
      int pipelineVersion,
      String status,
      String trigger,
      Instant logicalDate,
      String parametersJson,
      String idempotencyKey,
      String requestHash,
      String reason,
      Instant createdAt,
      Instant startedAt,
      Instant endedAt,
      Instant updatedAt) {}

  /** A stage attempt. */
  public record StageRow(
      String stageId,
      int attempt,
      String status,
      String failureClass,
      String reason,
      Integer exitCode,
      Instant startedAt,
      Instant endedAt) {}

  /** Filters of a run listing; null means any. */
  public record RunFilter(
      String pipeline, String status, String trigger, Instant createdFrom, Instant createdTo) {}

  static final String SELECT =
      "select r.id, r.team_id, r.pipeline_id, p.name as pipeline, r.pipeline_version, r.status,"
          + " r.trigger, r.logical_date, r.parameters::text as parameters, r.idempotency_key,"
          + " r.request_hash, r.reason, r.created_at, r.started_at, r.ended_at, r.updated_at"
          + " from jobs.runs r join jobs.pipelines p on p.id = r.pipeline_id";

  private final Jdbc jdbc;

  RunStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  static RunRow row(ResultSet rs) throws SQLException {
    return new RunRow(
        rs.getObject("id", UUID.class),
        rs.getObject("team_id", UUID.class),
        rs.getObject("pipeline_id", UUID.class),
        rs.getString("pipeline"),
        rs.getInt("pipeline_version"),
        rs.getString("status"),
        rs.getString("trigger"),
        Jdbc.instant(rs, "logical_date"),
        rs.getString("parameters"),
        rs.getString("idempotency_key"),
        rs.getString("request_hash"),
        rs.getString("reason"),
        Jdbc.instant(rs, "created_at"),
        Jdbc.instant(rs, "started_at"),
        Jdbc.instant(rs, "ended_at"),
        Jdbc.instant(rs, "updated_at"));
  }

  /**
   * Inserts a queued run unless the team already has one with this idempotency key; true when
   * inserted. A concurrent insert with the same key waits for the other transaction and then
   * conflicts, so two submissions with one key make one run.
   */
  public boolean insert(
      UUID id,
      UUID teamId,
      UUID pipelineId,
      int version,
      String trigger,
      Instant logicalDate,
      String parametersJson,
      String idempotencyKey,
      String requestHash,
      Instant now) {
    return jdbc.update(
            "insert into jobs.runs (id, team_id, pipeline_id, pipeline_version, status, trigger,"
                + " logical_date, parameters, idempotency_key, request_hash, created_at,"
                + " updated_at) values (?, ?, ?, ?, 'QUEUED', ?, ?, ?::jsonb, ?, ?, ?, ?)"
                + " on conflict (team_id, idempotency_key) do nothing",
            id,
            teamId,
            pipelineId,
            version,
            trigger,
            logicalDate,
            parametersJson,
            idempotencyKey,
            requestHash,
            now,
            now)
        == 1;
  }

  public Optional<RunRow> find(UUID teamId, UUID runId) {
    return jdbc.one(SELECT + " where r.team_id = ? and r.id = ?", RunStore::row, teamId, runId);
  }

  public Optional<RunRow> findByIdempotencyKey(UUID teamId, String key) {
    return jdbc.one(
        SELECT + " where r.team_id = ? and r.idempotency_key = ?", RunStore::row, teamId, key);
  }

  /** Runs newest first, after the cursor position (created_at, id), at most {@code limit}. */
  public List<RunRow> list(
      UUID teamId, RunFilter filter, Instant cursorCreatedAt, UUID cursorId, int limit) {
    StringBuilder sql = new StringBuilder(SELECT).append(" where r.team_id = ?");
    List<Object> params = new ArrayList<>();
    params.add(teamId);
    if (filter.pipeline() != null) {
      sql.append(" and p.name = ?");
      params.add(filter.pipeline());
    }
    if (filter.status() != null) {
      sql.append(" and r.status = ?");
      params.add(filter.status());
    }
    if (filter.trigger() != null) {
      sql.append(" and r.trigger = ?");
      params.add(filter.trigger());
    }
    if (filter.createdFrom() != null) {
      sql.append(" and r.created_at >= ?");
      params.add(filter.createdFrom());
    }
    if (filter.createdTo() != null) {
      sql.append(" and r.created_at < ?");
      params.add(filter.createdTo());
    }
    if (cursorCreatedAt != null) {
      sql.append(" and (r.created_at, r.id) < (?, ?)");
      params.add(cursorCreatedAt);
      params.add(cursorId);
    }
    sql.append(" order by r.created_at desc, r.id desc limit ?");
    params.add(limit);
    return jdbc.list(sql.toString(), RunStore::row, params.toArray());
  }

  public List<StageRow> stages(UUID runId) {
    return jdbc.list(
        "select stage_id, attempt, status, failure_class, reason, exit_code, started_at, ended_at"
            + " from jobs.stage_runs where run_id = ? order by created_at, stage_id, attempt",
        rs ->
            new StageRow(
                rs.getString("stage_id"),
                rs.getInt("attempt"),
                rs.getString("status"),
                rs.getString("failure_class"),
                rs.getString("reason"),
                (Integer) rs.getObject("exit_code"),
                Jdbc.instant(rs, "started_at"),
                Jdbc.instant(rs, "ended_at")),
        runId);
  }
}
