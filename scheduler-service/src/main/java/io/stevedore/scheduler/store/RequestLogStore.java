package io.stevedore.scheduler.store;

import io.stevedore.common.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/** What the scheduler records of cancel/re-run requests and rejected SQS submissions. */
@ApplicationScoped
public class RequestLogStore {

  private final Jdbc jdbc;

  RequestLogStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  public void runAction(
      UUID id,
      UUID runId,
      UUID teamId,
      String action,
      String stagesJson,
      String reason,
      Instant now) {
    jdbc.update(
        "insert into scheduler.run_actions (id, run_id, team_id, action, stages, reason,"
            + " requested_at) values (?, ?, ?, ?, ?::jsonb, ?, ?)",
        id,
        runId,
        teamId,
        action,
        stagesJson,
        reason,
        now);
  }

  /** Records a rejected submission once per message id; true when newly recorded. */
  public boolean rejection(
      String messageId,
      String team,
      String pipeline,
      String reasonsJson,
      String replyTo,
      Instant now) {
    return jdbc.update(
            "insert into scheduler.submission_rejections (message_id, team, pipeline, reasons,"
                + " reply_to, rejected_at) values (?, ?, ?, ?::jsonb, ?, ?)"
                + " on conflict (message_id) do nothing",
            messageId,
            team,
            pipeline,
            reasonsJson,
            replyTo,
            now)
        == 1;
  }
}
