package io.stevedore.orchestrator.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stevedore.orchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * What long-running stage tasks measure of themselves and send in their heartbeats (a stream
 * worker's {@code lagMillis} and {@code backlog}), as Prometheus gauges on {@code /q/metrics}:
 * {@code stevedore_stage_lag_millis{pipeline="…",stage="…"}}, {@code stevedore_stage_backlog{…}},
 * one per pipeline, stage and metric, for dashboards and for scaling stream workers. A reading not
 * renewed within three heartbeat intervals (the task ended or went silent) is removed, so a gauge
 * never shows a stale value.
 */
@ApplicationScoped
public class StageMetrics {

  private static final Logger LOG = Logger.getLogger(StageMetrics.class);
  private static final Pattern NAME = Pattern.compile("[a-z][a-zA-Z0-9]{0,39}");
  private static final int MAX_PER_EVENT = 10;
  private static final Duration MIN_STALE = Duration.ofMinutes(1);

  private record Key(String pipeline, String stage, String metric) {}

  private static final class Reading {
    volatile double value;
    volatile Instant at;
    Gauge gauge;
  }

  private final Map<Key, Reading> readings = new ConcurrentHashMap<>();
  private final MeterRegistry registry;
  private final Clock clock;
  private final Duration staleAfter;

  StageMetrics(MeterRegistry registry, Clock clock, OrchestratorConfig config) {
    this.registry = registry;
    this.clock = clock;
    Duration longest = config.heartbeatInterval().multipliedBy(3);
    if (config.heartbeatTimeout().compareTo(longest) > 0) {
      longest = config.heartbeatTimeout();
    }
    this.staleAfter = longest.compareTo(MIN_STALE) > 0 ? longest : MIN_STALE;
  }

  /**
   * Records the metrics of one heartbeat. A metric with a name that is not a short camel-case word
   * or a value that is not finite is left out with a warning (the heartbeat itself still counts).
   */
  public void record(String pipeline, String stage, Map<String, Double> metrics) {
    removeStale();
    if (metrics == null || metrics.isEmpty()) {
      return;
    }
    int taken = 0;
    for (Map.Entry<String, Double> m : metrics.entrySet()) {
      String name = m.getKey();
      Double value = m.getValue();
      if (name == null
          || !NAME.matcher(name).matches()
          || value == null
          || !Double.isFinite(value)) {
        LOG.warnf(
            "heartbeat metric of %s/%s left out: name '%s', value %s (names are camel-case words"
                + " of at most 40 characters, values finite numbers)",
            pipeline, stage, name, value);
        continue;
      }
      if (++taken > MAX_PER_EVENT) {
        LOG.warnf(
            "heartbeat of %s/%s carries more than %d metrics; the rest are left out",
            pipeline, stage, MAX_PER_EVENT);
        break;
      }
      Key key = new Key(pipeline, stage, name);
      Reading reading =
          readings.computeIfAbsent(
              key,
              k -> {
                Reading r = new Reading();
                r.gauge =
                    Gauge.builder("stevedore.stage." + snake(k.metric()), r, this::current)
                        .description("reported by the stage's task in its heartbeats")
                        .tag("pipeline", k.pipeline())
                        .tag("stage", k.stage())
                        .register(registry);
                return r;
              });
      reading.value = value;
      reading.at = clock.instant();
    }
  }

  /** The latest value of a metric, for tests and diagnostics; NaN when there is none. */
  public double value(String pipeline, String stage, String metric) {
    removeStale();
    Reading r = readings.get(new Key(pipeline, stage, metric));
    return r == null ? Double.NaN : r.value;
  }

  private double current(Reading r) {
    Instant at = r.at;
    return at == null || at.isBefore(clock.instant().minus(staleAfter)) ? Double.NaN : r.value;
  }

  private void removeStale() {
    Instant oldest = clock.instant().minus(staleAfter);
    readings
        .entrySet()
        .removeIf(
            e -> {
              Instant at = e.getValue().at;
              if (at != null && at.isBefore(oldest)) {
                registry.remove(e.getValue().gauge);
                return true;
              }
              return false;
            });
  }

  private static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
