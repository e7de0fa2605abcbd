package io.stevedore.validation.store;

import io.stevedore.common.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Suites and their versions. Every statement takes the team id and filters on it, so another team's
 * suite is simply not found; the SQS consumer has no HTTP caller, hence the explicit id rather than
 * {@code TeamScopedJdbc}.
 */
@ApplicationScoped
public class SuiteStore {

  /** A suite's current state. */
  public record SuiteRow(
      UUID id, UUID teamId, String name, int latestVersion, Instant createdAt, Instant updatedAt) {}

  /** One immutable version of a suite. */
  public record VersionRow(
      UUID suiteId, int version, String dataset, String format, String source, Instant createdAt) {}

  private static final String SUITE_COLUMNS =
      "id, team_id, name, latest_version, created_at, updated_at";

  private final Jdbc jdbc;

  SuiteStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  public Optional<SuiteRow> find(UUID teamId, String name) {
    return jdbc.one(
        "select " + SUITE_COLUMNS + " from validation.suites where team_id = ? and name = ?",
        SuiteStore::suite,
        teamId,
        name);
  }

  /** The suite, locked until the transaction ends (so versions are numbered one at a time). */
  public Optional<SuiteRow> findForUpdate(UUID teamId, String name) {
    return jdbc.one(
        "select "
            + SUITE_COLUMNS
            + " from validation.suites where team_id = ? and name = ? for update",
        SuiteStore::suite,
        teamId,
        name);
  }

  /** Inserts a suite unless one of that name exists; returns whether it inserted. */
  public boolean insert(UUID id, UUID teamId, String name, Instant now) {
    return jdbc.update(
            "insert into validation.suites (id, team_id, name, latest_version, created_at,"
                + " updated_at) values (?, ?, ?, 0, ?, ?) on conflict (team_id, name) do nothing",
            id,
            teamId,
            name,
            now,
            now)
        == 1;
  }

  public void addVersion(SuiteRow suite, int version, VersionRow row) {
    jdbc.update(
        "insert into validation.suite_versions (suite_id, version, dataset, format, source,"
            + " created_at) values (?, ?, ?, ?, ?, ?)",
        suite.id(),
        version,
        row.dataset(),
        row.format(),
        row.source(),
        row.createdAt());
    jdbc.update(
        "update validation.suites set latest_version = ?, updated_at = ? where id = ?",
        version,
        row.createdAt(),
        suite.id());
  }

  public Optional<VersionRow> version(UUID suiteId, int version) {
    return jdbc.one(
        "select suite_id, version, dataset, format, source, created_at"
            + " from validation.suite_versions where suite_id = ? and version = ?",
        SuiteStore::version,
        suiteId,
        version);
  }

  /** The team's suites by name, with their latest version. */
  public List<VersionRow> latestOfTeam(UUID teamId) {
    return jdbc.list(
        "select v.suite_id, v.version, v.dataset, v.format, v.source, v.created_at"
            + " from validation.suites s join validation.suite_versions v"
            + " on v.suite_id = s.id and v.version = s.latest_version"
            + " where s.team_id = ? order by s.name",
        SuiteStore::version,
        teamId);
  }

  public List<SuiteRow> list(UUID teamId) {
    return jdbc.list(
        "select " + SUITE_COLUMNS + " from validation.suites where team_id = ? order by name",
        SuiteStore::suite,
        teamId);
  }

  private static SuiteRow suite(ResultSet rs) throws SQLException {
    return new SuiteRow(
        rs.getObject("id", UUID.class),
        rs.getObject("team_id", UUID.class),
        rs.getString("name"),
        rs.getInt("latest_version"),
        Jdbc.instant(rs, "created_at"),
        Jdbc.instant(rs, "updated_at"));
  }

  private static VersionRow version(ResultSet rs) throws SQLException {
    return new VersionRow(
        rs.getObject("suite_id", UUID.class),
        rs.getInt("version"),
        rs.getString("dataset"),
        rs.getString("format"),
        rs.getString("source"),
        Jdbc.instant(rs, "created_at"));
  }
}
