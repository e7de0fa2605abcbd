package io.stevedore.validation.store;

import io.stevedore.common.contract.ValidationResult.Verdict;
import io.stevedore.common.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The history of validation results; every statement is filtered on the team id. */
@ApplicationScoped
public class ResultStore {

  /**
   * One stored result.
   *
   * @param rowCount null when the dataset could not be read
   * @param metrics the per-check metrics as JSON (an array)
   */
  public record ResultRow(
      UUID id,
      UUID teamId,
      UUID suiteId,
      String suite,
      int suiteVersion,
      String dataset,
      String datasetUri,
      UUID runId,
      String stageId,
      Integer attempt,
      UUID stageRunId,
      Verdict verdict,
      double score,
      Long rowCount,
      String metrics,
      Integer scansOfData,
      String reportUri,
      String error,
      Instant createdAt) {}

  private static final String COLUMNS =
      "r.id, r.team_id, r.suite_id, s.name as suite, r.suite_version, r.dataset, r.dataset_uri,"
          + " r.run_id, r.stage_id, r.attempt, r.stage_run_id, r.verdict, r.score, r.row_count,"
          + " r.metrics::text as metrics, r.scans_of_data, r.report_uri, r.error, r.created_at";
  private static final String FROM =
      " from validation.validation_results r join validation.suites s on s.id = r.suite_id";

  private final Jdbc jdbc;

  ResultStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Stores a result; a second result for the same stage attempt and suite is not stored.
   *
   * @return whether it was stored
   */
  public boolean insert(ResultRow r) {
    return jdbc.update(
            "insert into validation.validation_results (id, team_id, suite_id, suite_version,"
                + " dataset, dataset_uri, run_id, stage_id, attempt, stage_run_id, verdict, score,"
                + " row_count, metrics, scans_of_data, report_uri, error, created_at)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?, ?)"
                + " on conflict do nothing",
            r.id(),
            r.teamId(),
            r.suiteId(),
            r.suiteVersion(),
            r.dataset(),
            r.datasetUri(),
            r.runId(),
            r.stageId(),
            r.attempt(),
            r.stageRunId(),
            r.verdict(),
            BigDecimal.valueOf(r.score()),
            r.rowCount(),
            r.metrics(),
            r.scansOfData(),
            r.reportUri(),
            r.error(),
            r.createdAt())
        == 1;
  }

  public Optional<ResultRow> find(UUID teamId, UUID id) {
    return jdbc.one(
        "select " + COLUMNS + FROM + " where r.team_id = ? and r.id = ?",
        ResultStore::row,
        teamId,
        id);
  }

  /** The result already stored for a stage attempt and suite, if any. */
  public Optional<ResultRow> findForStageRun(UUID stageRunId, UUID suiteId) {
    return jdbc.one(
        "select " + COLUMNS + FROM + " where r.stage_run_id = ? and r.suite_id = ?",
        ResultStore::row,
        stageRunId,
        suiteId);
  }

  /** The newest results of a dataset, newest first. */
  public List<ResultRow> recent(UUID teamId, String dataset, int limit) {
    return jdbc.list(
        "select "
            + COLUMNS
            + FROM
            + " where r.team_id = ? and r.dataset = ? order by r.created_at desc, r.id limit ?",
        ResultStore::row,
        teamId,
        dataset,
        limit);
  }

  /** The row counts of the newest readable results of a dataset, newest first. */
  public List<Long> recentRowCounts(UUID teamId, String dataset, int limit) {
    return jdbc.list(
        "select row_count from validation.validation_results"
            + " where team_id = ? and dataset = ? and row_count is not null"
            + " order by created_at desc limit ?",
        rs -> rs.getLong(1),
        teamId,
        dataset,
        limit);
  }

  /**
   * The values of one anomaly check (by name) in the dataset's newest results that measured it,
   * newest first.
   */
  public List<Double> recentMetricValues(UUID teamId, String dataset, String check, int limit) {
    return jdbc.list(
        "select (m ->> 'value')::float8 from validation.validation_results r"
            + " cross join lateral jsonb_array_elements(r.metrics) m"
            + " where r.team_id = ? and r.dataset = ? and m ->> 'name' = ?"
            + " and jsonb_typeof(m -> 'value') = 'number'"
            + " order by r.created_at desc limit ?",
        rs -> rs.getDouble(1),
        teamId,
        dataset,
        check,
        limit);
  }

  /** The id of the team with this name. */
  public Optional<UUID> teamId(String name) {
    return jdbc.one(
        "select id from jobs.teams where name = ?", rs -> rs.getObject(1, UUID.class), name);
  }

  /** The team's name, for alerts. */
  public Optional<String> teamName(UUID teamId) {
    return jdbc.one("select name from jobs.teams where id = ?", rs -> rs.getString(1), teamId);
  }

  /** Where the newest readable result of a dataset read it from, for referential checks. */
  public Optional<String> latestUri(UUID teamId, String dataset) {
    return jdbc.one(
        "select dataset_uri from validation.validation_results"
            + " where team_id = ? and dataset = ? and row_count is not null"
            + " order by created_at desc limit 1",
        rs -> rs.getString(1),
        teamId,
        dataset);
  }

  private static ResultRow row(ResultSet rs) throws SQLException {
    long rows = rs.getLong("row_count");
    Long rowCount = rs.wasNull() ? null : rows;
    int attempt = rs.getInt("attempt");
    Integer att = rs.wasNull() ? null : attempt;
    int scans = rs.getInt("scans_of_data");
    Integer sc = rs.wasNull() ? null : scans;
    return new ResultRow(
        rs.getObject("id", UUID.class),
        rs.getObject("team_id", UUID.class),
        rs.getObject("suite_id", UUID.class),
        rs.getString("suite"),
        rs.getInt("suite_version"),
        rs.getString("dataset"),
        rs.getString("dataset_uri"),
        rs.getObject("run_id", UUID.class),
        rs.getString("stage_id"),
        att,
        rs.getObject("stage_run_id", UUID.class),
        Verdict.valueOf(rs.getString("verdict")),
        rs.getBigDecimal("score").doubleValue(),
        rowCount,
        rs.getString("metrics"),
        sc,
        rs.getString("report_uri"),
        rs.getString("error"),
        Jdbc.instant(rs, "created_at"));
  }
}
