package io.stevedore.securitygate.store;

import io.stevedore.common.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Verdicts per team, image digest, policy content and advisory data version. */
@ApplicationScoped
public class VerdictStore {

  /** How a verdict came about. */
  public enum Trigger {
    API,
    QUEUE,
    RESCAN,
    ADMISSION
  }

  /** A stored verdict; findings and notes as JSON. */
  public record VerdictRow(
      UUID id,
      UUID teamId,
      String imageDigest,
      String policyName,
      int policyVersion,
      String policyHash,
      String advisoryVersion,
      String verdict,
      String findingsJson,
      String notesJson,
      String reference,
      Trigger trigger,
      Instant createdAt) {}

  private static final String COLUMNS =
      "id, team_id, image_digest, policy_name, policy_version, policy_hash, advisory_version,"
          + " verdict, findings::text as findings, notes::text as notes, reference, trigger,"
          + " created_at";

  private final Jdbc jdbc;

  VerdictStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  static VerdictRow row(ResultSet rs) throws SQLException {
    return new VerdictRow(
        rs.getObject("id", UUID.class),
        rs.getObject("team_id", UUID.class),
        rs.getString("image_digest"),
        rs.getString("policy_name"),
        rs.getInt("policy_version"),
        rs.getString("policy_hash"),
        rs.getString("advisory_version"),
        rs.getString("verdict"),
        rs.getString("findings"),
        rs.getString("notes"),
        rs.getString("reference"),
        Trigger.valueOf(rs.getString("trigger")),
        Jdbc.instant(rs, "created_at"));
  }

  /** The verdict computed for exactly this key, if any. */
  public Optional<VerdictRow> find(
      UUID teamId, String digest, String policyHash, String advisoryVersion) {
    return jdbc.one(
        "select "
            + COLUMNS
            + " from security_gate.verdicts where team_id = ? and image_digest = ?"
            + " and policy_hash = ? and advisory_version = ?",
        VerdictStore::row,
        teamId,
        digest,
        policyHash,
        advisoryVersion);
  }

  /** Inserts the verdict unless one exists for its key; true when inserted. */
  public boolean insert(VerdictRow v) {
    return jdbc.update(
            "insert into security_gate.verdicts (id, team_id, image_digest, policy_name,"
                + " policy_version, policy_hash, advisory_version, verdict, findings, notes,"
                + " reference, trigger, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb,"
                + " ?::jsonb, ?, ?, ?) on conflict (team_id, image_digest, policy_hash,"
                + " advisory_version) do nothing",
            v.id(),
            v.teamId(),
            v.imageDigest(),
            v.policyName(),
            v.policyVersion(),
            v.policyHash(),
            v.advisoryVersion(),
            v.verdict(),
            v.findingsJson(),
            v.notesJson(),
            v.reference(),
            v.trigger(),
            v.createdAt())
        == 1;
  }

  /** The team's latest verdict on an image, under one policy name or (null) any. */
  public Optional<VerdictRow> latest(UUID teamId, String digest, String policyName) {
    return jdbc.one(
        "select "
            + COLUMNS
            + " from security_gate.verdicts where team_id = ? and image_digest = ?"
            + " and (cast(? as text) is null or policy_name = ?)"
            + " order by created_at desc, id limit 1",
        VerdictStore::row,
        teamId,
        digest,
        policyName,
        policyName);
  }

  /** The latest verdict of every team and policy name on an image (what a rescan renews). */
  public List<VerdictRow> latestPerTeamAndPolicy(String digest) {
    return jdbc.list(
        "select distinct on (team_id, policy_name) "
            + COLUMNS
            + " from security_gate.verdicts where image_digest = ?"
            + " order by team_id, policy_name, created_at desc",
        VerdictStore::row,
        digest);
  }

  /** The team's name (schema {@code jobs}), for re-reading its policies outside a request. */
  public Optional<String> teamName(UUID teamId) {
    return jdbc.one("select name from jobs.teams where id = ?", rs -> rs.getString(1), teamId);
  }
}
