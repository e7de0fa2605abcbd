package io.stevedore.scheduler.store;

import io.stevedore.common.messaging.OutboxStore;
import io.stevedore.common.messaging.OutgoingMessage;
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

  /**
   * A stage attempt; {@code resultJson} is what its worker reported at the end (a {@code
   * StageResult} as JSON), or null.
   */
  public record StageRow(
      String stageId,
      int attempt,
      String status,
      String failureClass,
      String reason,
      Integer exitCode,
      Instant startedAt,
      Instant endedAt,
      String resultJson) {}

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

  /**
   * What {@link #insertWithOutbox} saw of the pipeline: its id, latest version and whether it is
   * archived, and whether the run was inserted.
   */
  public record Guarded(UUID pipelineId, int latestVersion, boolean archived, boolean inserted) {}

  /**
   * One statement, so one round trip and one transaction: reads the team's pipeline by name,
   * inserts the run only if the pipeline is still the expected one ({@code pipelineId}, not
   * archived, and, when {@code expectedLatest} is not null, still at that latest version), and
   * inserts the outbox row only if the run was inserted. A run whose idempotency key the team
   * already used is not inserted (a concurrent insert with the same key waits for the other
   * transaction and then conflicts). Empty when the team has no pipeline of that name.
   *
   * <p>Must run outside a JTA transaction (autocommit) or inside one; either way the run and its
   * message commit together.
   */
  public Optional<Guarded> insertWithOutbox(
      UUID id,
      UUID teamId,
      String pipelineName,
      UUID pipelineId,
      Integer expectedLatest,
      int version,
      String trigger,
      Instant logicalDate,
      String parametersJson,
      String idempotencyKey,
      String requestHash,
      Instant now,
      OutgoingMessage message,
      String messageAttributesJson) {
    return jdbc.one(
        "with p as (select id, latest_version, archived_at is not null as archived"
            + " from jobs.pipelines where team_id = ? and name = ?),"
            + " run as (insert into jobs.runs (id, team_id, pipeline_id, pipeline_version, status,"
            + " trigger, logical_date, parameters, idempotency_key, request_hash, created_at,"
            + " updated_at) select ?, ?, p.id, ?, 'QUEUED', ?, ?, ?::jsonb, ?, ?, ?, ? from p"
            + " where p.id = ? and not p.archived"
            + " and p.latest_version = coalesce(?::int, p.latest_version)"
            + " on conflict (team_id, idempotency_key) do nothing returning id),"
            + " message as (insert into "
            + OutboxStore.INSERT_COLUMNS
            + " select ?, ?, ?, ?, ?, ?::jsonb from run returning 1)"
            + " select p.id, p.latest_version, p.archived, (select count(*) from run) as inserted"
            + " from p",
        rs ->
            new Guarded(
                rs.getObject("id", UUID.class),
                rs.getInt("latest_version"),
                rs.getBoolean("archived"),
                rs.getLong("inserted") == 1),
        teamId,
        pipelineName,
        id,
        teamId,
        version,
        trigger,
        logicalDate,
        parametersJson,
        idempotencyKey,
        requestHash,
        now,
        now,
        pipelineId,
        expectedLatest,
        message.messageId(),
        message.queue(),
        message.type(),
        message.version(),
        message.body(),
        messageAttributesJson);
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
        "select stage_id, attempt, status, failure_class, reason, exit_code, started_at, ended_at,"
            + " result::text as result"
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
                Jdbc.instant(rs, "ended_at"),
                rs.getString("result")),
        runId);
  }
}
