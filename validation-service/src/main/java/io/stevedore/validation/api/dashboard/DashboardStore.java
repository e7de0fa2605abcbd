package io.stevedore.validation.api.dashboard;

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

/**
 * The dashboard's read-only queries. Every query on results takes the team id and filters on it, so
 * another team's datasets are simply absent.
 */
@ApplicationScoped
public class DashboardStore {

  /** The team an unrevoked API key belongs to. */
  public record KeyTeam(UUID teamId, String teamName) {}

  /**
   * One of a dataset's newest results.
   *
   * @param rank 1 for the newest, 2 for the one before, and so on
   */
  public record RecentResult(
      String dataset,
      int rank,
      String suite,
      Verdict verdict,
      double score,
      Long rowCount,
      String error,
      Instant createdAt) {}

  private final Jdbc jdbc;

  DashboardStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** The team of the API key with this public id, unless the key was revoked or does not exist. */
  public Optional<KeyTeam> activeKey(String keyId) {
    return jdbc.one(
        "select t.id, t.name from jobs.api_keys k join jobs.teams t on t.id = k.team_id"
            + " where k.id = ? and k.revoked_at is null",
        rs -> new KeyTeam(rs.getObject("id", UUID.class), rs.getString("name")),
        keyId);
  }

  /**
   * The newest {@code perDataset} results of each of the team's datasets, by dataset name and then
   * newest first (rank 1 is the latest result), in one query.
   */
  public List<RecentResult> recentByDataset(UUID teamId, int perDataset) {
    return jdbc.list(
        "select dataset, rn, suite, verdict, score, row_count, error, created_at from ("
            + " select r.dataset, s.name as suite, r.verdict, r.score, r.row_count, r.error,"
            + " r.created_at, row_number() over (partition by r.dataset"
            + " order by r.created_at desc, r.id) as rn"
            + " from validation.validation_results r"
            + " join validation.suites s on s.id = r.suite_id"
            + " where r.team_id = ?) t"
            + " where rn <= ? order by dataset, rn",
        DashboardStore::recent,
        teamId,
        perDataset);
  }

  /** The datasets the team's suites describe (at their latest version), by name. */
  public List<String> describedDatasets(UUID teamId) {
    return jdbc.list(
        "select distinct v.dataset from validation.suites s join validation.suite_versions v"
            + " on v.suite_id = s.id and v.version = s.latest_version"
            + " where s.team_id = ? order by v.dataset",
        rs -> rs.getString(1),
        teamId);
  }

  private static RecentResult recent(ResultSet rs) throws SQLException {
    long rows = rs.getLong("row_count");
    Long rowCount = rs.wasNull() ? null : rows;
    BigDecimal score = rs.getBigDecimal("score");
    return new RecentResult(
        rs.getString("dataset"),
        rs.getInt("rn"),
        rs.getString("suite"),
        Verdict.valueOf(rs.getString("verdict")),
        score.doubleValue(),
        rowCount,
        rs.getString("error"),
        Jdbc.instant(rs, "created_at"));
  }
}
