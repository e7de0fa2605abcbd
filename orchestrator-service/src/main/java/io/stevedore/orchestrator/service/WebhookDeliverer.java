package io.stevedore.orchestrator.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.stevedore.common.store.SchemaMigrator;
import io.stevedore.orchestrator.config.AlertsConfig;
import io.stevedore.orchestrator.store.AlertStore;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Posts alerts to the configured webhooks, at least once: each delivery row is claimed with a lease
 * (a POST cut short by a crash is tried again after it), a 2xx answer marks it delivered (so a
 * restart never posts it again), anything else is retried with exponential backoff until {@code
 * stevedore.alerts.delivery.max-attempts}. Receivers drop repeats by {@code X-Stevedore-Alert-Id}.
 */
@ApplicationScoped
public class WebhookDeliverer {

  private static final Logger LOG = Logger.getLogger(WebhookDeliverer.class);
  private static final int BATCH = 20;

  private final AlertStore store;
  private final AlertsConfig config;
  private final Clock clock;
  private final Semaphore signal = new Semaphore(0);
  private final HttpClient http;
  private volatile boolean running;
  private Thread thread;

  WebhookDeliverer(AlertStore store, AlertsConfig config, Clock clock) {
    this.store = store;
    this.config = config;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(config.delivery().timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  void onStart(@Observes @Priority(SchemaMigrator.PRIORITY + 30) StartupEvent event) {
    if (!config.delivery().enabled()) {
      return;
    }
    running = true;
    thread = new Thread(this::loop, "alert-webhooks");
    thread.setDaemon(true);
    thread.start();
  }

  void onStop(@Observes ShutdownEvent event) throws InterruptedException {
    running = false;
    if (thread != null) {
      wake();
      thread.join(Duration.ofSeconds(5).toMillis());
    }
  }

  /** Something new to deliver. */
  public void wake() {
    if (signal.availablePermits() == 0) {
      signal.release();
    }
  }

  private void loop() {
    while (running) {
      try {
        while (running && deliverDue() == BATCH) {
          // a full batch: more may be due
        }
      } catch (RuntimeException e) {
        LOG.error("alert delivery round failed; trying again", e);
      }
      try {
        signal.tryAcquire(config.delivery().pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        signal.drainPermits();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One round: claims due deliveries and posts them; returns how many were claimed. */
  public int deliverDue() {
    Instant now = clock.instant();
    List<AlertStore.Delivery> due =
        QuarkusTransaction.requiringNew()
            .call(() -> store.claimDue(now, now.plus(config.delivery().lease()), BATCH));
    Map<String, String> urls = new HashMap<>();
    for (String url : config.webhooks().orElse(List.of())) {
      urls.put(Alerts.webhookId(url), url.trim());
    }
    for (AlertStore.Delivery delivery : due) {
      deliver(delivery, urls.get(delivery.webhookId()));
    }
    return due.size();
  }

  private void deliver(AlertStore.Delivery delivery, String url) {
    if (url == null) {
      record(delivery, null, "the webhook is no longer configured", true);
      return;
    }
    Integer status = null;
    String error;
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(config.delivery().timeout())
              .header("Content-Type", "application/json")
              .header("User-Agent", "stevedore-orchestrator")
              .header("X-Stevedore-Alert-Id", delivery.alertId().toString())
              .header("X-Stevedore-Delivery-Attempt", Integer.toString(delivery.attempts()))
              .POST(HttpRequest.BodyPublishers.ofString(delivery.body()))
              .build();
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      status = response.statusCode();
      if (status >= 200 && status < 300) {
        Instant now = clock.instant();
        QuarkusTransaction.requiringNew().run(() -> store.delivered(delivery.id(), 200, now));
        LOG.infof(
            "alert %s delivered to webhook %s (attempt %d)",
            delivery.alertId(), delivery.webhookHost(), delivery.attempts());
        return;
      }
      error = "HTTP " + status;
    } catch (IOException e) {
      error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      error = "the webhook URL is not a valid http(s) URL"; // never the URL: it may carry a token
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error = "interrupted";
    }
    record(delivery, status, error, delivery.attempts() >= config.delivery().maxAttempts());
  }

  private void record(AlertStore.Delivery delivery, Integer status, String error, boolean giveUp) {
    Instant now = clock.instant();
    Instant next = giveUp ? null : now.plus(backoff(delivery.attempts()));
    String reason = error.length() > 500 ? error.substring(0, 500) : error;
    QuarkusTransaction.requiringNew()
        .run(() -> store.failed(delivery.id(), status, reason, next, now));
    if (giveUp) {
      LOG.errorf(
          "alert %s: gave up delivering to webhook %s after %d attempt(s): %s",
          delivery.alertId(), delivery.webhookHost(), delivery.attempts(), reason);
    } else {
      LOG.warnf(
          "alert %s: webhook %s failed (attempt %d): %s; trying again at %s",
          delivery.alertId(), delivery.webhookHost(), delivery.attempts(), reason, next);
    }
  }

  private Duration backoff(int attempts) {
    Duration initial = config.delivery().initialBackoff();
    long factor = 1L << Math.min(Math.max(attempts - 1, 0), 20);
    Duration delay = initial.multipliedBy(factor);
    return delay.compareTo(config.delivery().maxBackoff()) > 0
        ? config.delivery().maxBackoff()
        : delay;
  }
}
