package io.stevedore.securitygate.store;

import io.stevedore.common.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Policies per team and name, one immutable row per version; every query names the team. */
@ApplicationScoped
public class PolicyStore {

  /** One version of a policy. */
  public record PolicyRow(
      UUID teamId, String name, int version, String yaml, String hash, Instant createdAt) {}

  private static final String COLUMNS = "team_id, name, version, yaml, hash, created_at";

  private final Jdbc jdbc;

  PolicyStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  static PolicyRow row(ResultSet rs) throws SQLException {
    return new PolicyRow(
        rs.getObject("team_id", UUID.class),
        rs.getString("name"),
        rs.getInt("version"),
        rs.getString("yaml"),
        rs.getString("hash"),
        Jdbc.instant(rs, "created_at"));
  }

  public Optional<PolicyRow> latest(UUID teamId, String name) {
    return jdbc.one(
        "select "
            + COLUMNS
            + " from security_gate.policies where team_id = ? and name = ?"
            + " order by version desc limit 1",
        PolicyStore::row,
        teamId,
        name);
  }

  public Optional<PolicyRow> version(UUID teamId, String name, int version) {
    return jdbc.one(
        "select "
            + COLUMNS
            + " from security_gate.policies where team_id = ? and name = ? and version = ?",
        PolicyStore::row,
        teamId,
        name,
        version);
  }

  /** Serializes writers of one team's policy name for the rest of the transaction. */
  public void lock(UUID teamId, String name) {
    jdbc.one(
        "select pg_advisory_xact_lock(hashtext(?))",
        rs -> Boolean.TRUE,
        "security_gate.policies:" + teamId + ":" + name);
  }

  public void insert(PolicyRow row) {
    jdbc.update(
        "insert into security_gate.policies (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?)",
        row.teamId(),
        row.name(),
        row.version(),
        row.yaml(),
        row.hash(),
        row.createdAt());
  }
}
