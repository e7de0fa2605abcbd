package io.stevedore.orchestrator.store;

import io.stevedore.common.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Alerts and their webhook deliveries ({@code orchestrator.alerts}, {@code alert_deliveries}). */
@ApplicationScoped
public class AlertStore {

  /** A delivery claimed for one attempt, with the alert's body. */
  public record Delivery(
      long id, UUID alertId, String webhookId, String webhookHost, int attempts, String body) {}

  private final Jdbc jdbc;

  AlertStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Records an alert; false if it was recorded before (same id, or the attempt already has one), so
   * it is neither sent nor delivered again.
   */
  public boolean insert(
      UUID id, String source, UUID runId, UUID stageRunId, String kind, String body, Instant now) {
    return jdbc.update(
            "insert into orchestrator.alerts (id, source, run_id, stage_run_id, kind, body,"
                + " created_at) values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing",
            id,
            source,
            runId,
            stageRunId,
            kind,
            body,
            now)
        == 1;
  }

  /** The outbox message that carries the alert to the alerts queue. */
  public void sentAs(UUID alertId, UUID messageId) {
    jdbc.update("update orchestrator.alerts set message_id = ? where id = ?", messageId, alertId);
  }

  /** Adds a delivery of the alert to one webhook, due now (once per alert and webhook). */
  public void addDelivery(UUID alertId, String webhookId, String webhookHost, Instant now) {
    jdbc.update(
        "insert into orchestrator.alert_deliveries (alert_id, webhook_id, webhook_host,"
            + " next_attempt_at, created_at) values (?, ?, ?, ?, ?)"
            + " on conflict (alert_id, webhook_id) do nothing",
        alertId,
        webhookId,
        webhookHost,
        now,
        now);
  }

  /**
   * Claims due deliveries: counts the attempt and pushes the next one past {@code leaseUntil}, so a
   * delivery whose POST never finished (the orchestrator died) is tried again after the lease.
   */
  public List<Delivery> claimDue(Instant now, Instant leaseUntil, int limit) {
    return jdbc.list(
        "update orchestrator.alert_deliveries d set attempts = d.attempts + 1,"
            + " next_attempt_at = ? from orchestrator.alerts a"
            + " where a.id = d.alert_id and d.id in (select id from orchestrator.alert_deliveries"
            + "   where delivered_at is null and given_up_at is null and next_attempt_at <= ?"
            + "   order by next_attempt_at, id limit ? for update skip locked)"
            + " returning d.id, d.alert_id, d.webhook_id, d.webhook_host, d.attempts, a.body",
        rs ->
            new Delivery(
                rs.getLong(1),
                rs.getObject(2, UUID.class),
                rs.getString(3),
                rs.getString(4),
                rs.getInt(5),
                rs.getString(6)),
        leaseUntil,
        now,
        limit);
  }

  public void delivered(long id, int status, Instant now) {
    jdbc.update(
        "update orchestrator.alert_deliveries set delivered_at = ?, last_status = ?,"
            + " last_error = null where id = ?",
        now,
        status,
        id);
  }

  /** A failed attempt: due again at {@code next}, or given up when {@code next} is null. */
  public void failed(long id, Integer status, String error, Instant next, Instant now) {
    jdbc.update(
        "update orchestrator.alert_deliveries set last_status = ?, last_error = ?,"
            + " next_attempt_at = coalesce(?::timestamptz, next_attempt_at),"
            + " given_up_at = case when ? then ?::timestamptz else null end where id = ?",
        status,
        error,
        next,
        next == null,
        now,
        id);
  }
}
