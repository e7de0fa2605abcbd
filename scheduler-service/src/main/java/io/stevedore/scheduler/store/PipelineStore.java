package io.stevedore.scheduler.store;

import io.stevedore.common.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Pipelines and their immutable versions (schema {@code jobs}); every query names the team. */
@ApplicationScoped
public class PipelineStore {

  /** A pipeline row. */
  public record PipelineRow(
      UUID id,
      UUID teamId,
      String name,
      int latestVersion,
      Instant archivedAt,
      Instant createdAt,
      Instant updatedAt) {}

  /** One version of a pipeline. */
  public record VersionRow(
      UUID pipelineId, int version, String specJson, String source, Instant createdAt) {}

  private static final String COLUMNS =
      "id, team_id, name, latest_version, archived_at, created_at, updated_at";

  private final Jdbc jdbc;

  PipelineStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  static PipelineRow row(ResultSet rs) throws SQLException {
    return new PipelineRow(
        rs.getObject("id", UUID.class),
        rs.getObject("team_id", UUID.class),
        rs.getString("name"),
        rs.getInt("latest_version"),
        Jdbc.instant(rs, "archived_at"),
        Jdbc.instant(rs, "created_at"),
        Jdbc.instant(rs, "updated_at"));
  }

  /** The pipeline, locked for update (for a new version). */
  public Optional<PipelineRow> findForUpdate(UUID teamId, String name) {
    return jdbc.one(
        "select " + COLUMNS + " from jobs.pipelines where team_id = ? and name = ? for update",
        PipelineStore::row,
        teamId,
        name);
  }

  public Optional<PipelineRow> find(UUID teamId, String name) {
    return jdbc.one(
        "select " + COLUMNS + " from jobs.pipelines where team_id = ? and name = ?",
        PipelineStore::row,
        teamId,
        name);
  }

  public Optional<PipelineRow> findById(UUID pipelineId) {
    return jdbc.one(
        "select " + COLUMNS + " from jobs.pipelines where id = ?", PipelineStore::row, pipelineId);
  }

  /** Inserts the pipeline unless it exists; true when inserted. */
  public boolean insert(UUID id, UUID teamId, String name, Instant now) {
    return jdbc.update(
            "insert into jobs.pipelines (id, team_id, name, latest_version, created_at, updated_at)"
                + " values (?, ?, ?, 0, ?, ?) on conflict (team_id, name) do nothing",
            id,
            teamId,
            name,
            now,
            now)
        == 1;
  }

  public void addVersion(
      UUID pipelineId, int version, String specJson, String source, Instant now) {
    jdbc.update(
        "insert into jobs.pipeline_versions (pipeline_id, version, spec, source, created_at)"
            + " values (?, ?, ?::jsonb, ?, ?)",
        pipelineId,
        version,
        specJson,
        source,
        now);
    jdbc.update(
        "update jobs.pipelines set latest_version = ?, archived_at = null, updated_at = ?"
            + " where id = ?",
        version,
        now,
        pipelineId);
  }

  public Optional<VersionRow> version(UUID pipelineId, int version) {
    return jdbc.one(
        "select pipeline_id, version, spec::text as spec, source, created_at"
            + " from jobs.pipeline_versions where pipeline_id = ? and version = ?",
        rs ->
            new VersionRow(
                rs.getObject("pipeline_id", UUID.class),
                rs.getInt("version"),
                rs.getString("spec"),
                rs.getString("source"),
                Jdbc.instant(rs, "created_at")),
        pipelineId,
        version);
  }

  /** Active pipelines of a team by name after {@code afterName}, at most {@code limit}. */
  public List<PipelineRow> list(UUID teamId, String afterName, int limit, boolean archived) {
    return jdbc.list(
        "select "
            + COLUMNS
            + " from jobs.pipelines where team_id = ? and name > ?"
            + (archived ? "" : " and archived_at is null")
            + " order by name limit ?",
        PipelineStore::row,
        teamId,
        afterName == null ? "" : afterName,
        limit);
  }

  public boolean archive(UUID teamId, String name, Instant now) {
    return jdbc.update(
            "update jobs.pipelines set archived_at = coalesce(archived_at, ?), updated_at = ?"
                + " where team_id = ? and name = ?",
            now,
            now,
            teamId,
            name)
        == 1;
  }
}
