package io.stevedore.orchestrator.store;

import io.stevedore.common.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Security-gate decisions ({@code orchestrator.gate_decisions}). */
@ApplicationScoped
public class GateDecisionStore {

  /** A recorded decision. */
  public record Decision(
      UUID id,
      UUID stageRunId,
      UUID runId,
      String stageId,
      String image,
      String digest,
      String verdict,
      String mode,
      boolean allowed,
      String reason,
      String findingsJson,
      Instant decidedAt) {}

  private final Jdbc jdbc;

  GateDecisionStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  public void insert(Decision d, UUID teamId) {
    jdbc.update(
        "insert into orchestrator.gate_decisions (id, stage_run_id, run_id, team_id, stage_id,"
            + " image, digest, verdict, mode, allowed, reason, findings, decided_at)"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)",
        d.id(),
        d.stageRunId(),
        d.runId(),
        teamId,
        d.stageId(),
        d.image(),
        d.digest(),
        d.verdict(),
        d.mode(),
        d.allowed(),
        d.reason(),
        d.findingsJson(),
        d.decidedAt());
  }

  /** The decisions of a run of this team, oldest first (none for another team's run). */
  public List<Decision> ofRun(UUID teamId, UUID runId) {
    return jdbc.list(
        "select id, stage_run_id, run_id, stage_id, image, digest, verdict, mode, allowed, reason,"
            + " findings::text as findings, decided_at from orchestrator.gate_decisions"
            + " where team_id = ? and run_id = ? order by decided_at, id",
        rs ->
            new Decision(
                rs.getObject("id", UUID.class),
                rs.getObject("stage_run_id", UUID.class),
                rs.getObject("run_id", UUID.class),
                rs.getString("stage_id"),
                rs.getString("image"),
                rs.getString("digest"),
                rs.getString("verdict"),
                rs.getString("mode"),
                rs.getBoolean("allowed"),
                rs.getString("reason"),
                rs.getString("findings"),
                Jdbc.instant(rs, "decided_at")),
        teamId,
        runId);
  }
}
