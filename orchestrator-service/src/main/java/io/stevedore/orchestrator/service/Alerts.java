package io.stevedore.orchestrator.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.common.contract.Alert;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.messaging.Outbox;
import io.stevedore.orchestrator.config.AlertsConfig;
import io.stevedore.orchestrator.store.AlertStore;
import io.stevedore.orchestrator.store.LaunchIntentStore;
import io.stevedore.orchestrator.store.RunRow;
import io.stevedore.orchestrator.store.StageRunRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Raises the alert of a stage attempt that failed for good: one {@link Alert} on the alerts queue
 * (through the outbox) and one delivery per configured webhook, all in the transaction that ends
 * the attempt, so a restart neither loses nor repeats them. The {@link WebhookDeliverer} posts
 * them.
 */
@ApplicationScoped
public class Alerts {

  /** The kind of a stage's final failure. */
  public static final String STAGE_FAILED = "STAGE_FAILED";

  /** The {@code source} of the orchestrator's alerts. */
  public static final String SOURCE = "orchestrator";

  private final AlertStore store;
  private final LaunchIntentStore intents;
  private final StageLogs logs;
  private final Outbox outbox;
  private final AlertsConfig config;
  private final AfterCommit afterCommit;
  private final WebhookDeliverer deliverer;
  private final ObjectMapper mapper;

  Alerts(
      AlertStore store,
      LaunchIntentStore intents,
      StageLogs logs,
      Outbox outbox,
      AlertsConfig config,
      AfterCommit afterCommit,
      WebhookDeliverer deliverer,
      ObjectMapper mapper) {
    this.store = store;
    this.intents = intents;
    this.logs = logs;
    this.outbox = outbox;
    this.config = config;
    this.afterCommit = afterCommit;
    this.deliverer = deliverer;
    this.mapper = mapper;
  }

  /**
   * The attempt failed and gets no other: alert (in the caller's transaction). Raised once per
   * attempt.
   */
  public void stageFailed(
      RunRow run,
      StageRunRow attempt,
      String status,
      String failureClass,
      String reason,
      Instant now) {
    List<String> lines =
        intents.find(attempt.id()).map(i -> logs.lastLines(i, config.logLines())).orElse(List.of());
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("failureClass", failureClass);
    attributes.put("attempt", Integer.toString(attempt.attempt()));
    attributes.put("status", status);
    attributes.put("pipeline", run.pipelineName());
    attributes.put("pipelineVersion", Integer.toString(run.pipelineVersion()));
    attributes.put("stageRunId", attempt.id().toString());
    if (attempt.launcher() != null) {
      attributes.put("launcher", attempt.launcher());
    }
    Alert alert =
        new Alert(
            UUID.randomUUID(),
            SOURCE,
            STAGE_FAILED,
            "critical",
            run.teamId(),
            run.teamName(),
            run.id(),
            attempt.stageId(),
            "stage '"
                + attempt.stageId()
                + "' of "
                + run.pipelineName()
                + " failed after attempt "
                + attempt.attempt()
                + " ("
                + failureClass
                + ")",
            "run "
                + run.id()
                + " of pipeline "
                + run.pipelineName()
                + " v"
                + run.pipelineVersion()
                + ": stage '"
                + attempt.stageId()
                + "' attempt "
                + attempt.attempt()
                + " ended "
                + status
                + " ("
                + failureClass
                + "): "
                + reason
                + ". No attempt is left; the run fails.",
            attributes,
            lines,
            now);
    if (!store.insert(alert.id(), SOURCE, run.id(), attempt.id(), STAGE_FAILED, json(alert), now)) {
      return;
    }
    store.sentAs(alert.id(), outbox.send(Queues.ALERTS, alert));
    addDeliveries(alert.id(), now);
  }

  /**
   * An alert read from the alerts queue (another service's, or this one's coming back): delivered
   * to the webhooks once, whoever raised it and however often it is read (in the consumer's
   * transaction).
   */
  public void received(Alert alert, Instant now) {
    store.insert(
        alert.id(),
        alert.source() == null ? "unknown" : alert.source(),
        alert.runId(),
        null,
        alert.kind() == null ? "UNKNOWN" : alert.kind(),
        json(alert),
        now);
    addDeliveries(alert.id(), now);
  }

  private void addDeliveries(UUID alertId, Instant now) {
    List<String> webhooks = config.webhooks().orElse(List.of());
    for (String url : webhooks) {
      store.addDelivery(alertId, webhookId(url), host(url), now);
    }
    if (!webhooks.isEmpty()) {
      afterCommit.run(deliverer::wake);
    }
  }

  /** A stable id of a webhook URL that does not reveal it (the URL may carry a token). */
  static String webhookId(String url) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(url.trim().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  /** The host (and port) of a webhook URL, for people. */
  static String host(String url) {
    try {
      URI uri = URI.create(url.trim());
      return uri.getHost() == null
          ? "?"
          : uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    } catch (IllegalArgumentException e) {
      return "?";
    }
  }

  private String json(Alert alert) {
    try {
      return mapper.writeValueAsString(alert);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the alert as JSON: " + e.getMessage(), e);
    }
  }
}
