package io.stevedore.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Alerts and their webhooks (prefix {@code stevedore.alerts}). */
@ConfigMapping(prefix = "stevedore.alerts")
public interface AlertsConfig {

  /**
   * URLs that get every alert as a JSON POST (the {@code Alert} contract), at least once; the
   * {@code X-Stevedore-Alert-Id} header lets a receiver drop a repeat. A URL may carry a secret
   * token: it is never logged or stored, only a hash of it and its host.
   */
  Optional<List<String>> webhooks();

  /** Log lines of the failed attempt carried by an alert (its last ones). */
  @WithDefault("50")
  int logLines();

  /** Webhook delivery. */
  Delivery delivery();

  /** Webhook delivery. */
  interface Delivery {
    /** Turn off only in tests that drive deliveries by hand. */
    @WithDefault("true")
    boolean enabled();

    /** Longest pause between two rounds; a new alert wakes the deliverer at once. */
    @WithDefault("1s")
    Duration pollInterval();

    /** Timeout of one POST (connect and response). */
    @WithDefault("10s")
    Duration timeout();

    /** Delay after the first failed attempt; doubled after each further one. */
    @WithDefault("1s")
    Duration initialBackoff();

    /** Longest delay between two attempts. */
    @WithDefault("5m")
    Duration maxBackoff();

    /** Attempts before a delivery is given up (recorded with its last error). */
    @WithDefault("12")
    int maxAttempts();

    /**
     * How long a claimed delivery is left alone: if the orchestrator dies during the POST, it is
     * tried again after this.
     */
    @WithDefault("1m")
    Duration lease();
  }
}
