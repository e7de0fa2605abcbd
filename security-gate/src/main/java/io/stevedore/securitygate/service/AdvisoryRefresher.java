package io.stevedore.securitygate.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.stevedore.common.store.SchemaMigrator;
import io.stevedore.securitygate.advisory.AdvisoryIndex;
import io.stevedore.securitygate.config.SecurityGateConfig;
import io.stevedore.securitygate.store.AdvisoryStore;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps this instance's {@link AdvisoryIndex} in step with imports made by other instances: every
 * {@code advisory-refresh-interval} it reads the latest row of {@code advisory_imports}, and when
 * that import is new and left a data version other than this index's, it reloads the stored
 * advisories into the index (a record only ever replaces an older version of itself, so reloading
 * into the live index is safe while verdicts are computed).
 */
@ApplicationScoped
public class AdvisoryRefresher {

  private static final Logger LOG = Logger.getLogger(AdvisoryRefresher.class);

  private final AdvisoryIndex index;
  private final AdvisoryStore store;
  private final SecurityGateConfig config;
  private volatile UUID lastSeen;
  private ScheduledExecutorService timer;

  AdvisoryRefresher(AdvisoryIndex index, AdvisoryStore store, SecurityGateConfig config) {
    this.index = index;
    this.store = store;
    this.config = config;
  }

  void start(@Observes @Priority(SchemaMigrator.PRIORITY + 3) StartupEvent event) {
    // imports made before this instance loaded its index are already in it
    lastSeen = store.recentImports(1).stream().findFirst().map(i -> i.id()).orElse(null);
    long every = Math.max(100, config.advisoryRefreshInterval().toMillis());
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "security-gate-advisory-refresh");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  /** One poll; true when the index was reloaded. */
  public boolean poll() {
    try {
      List<AdvisoryStore.ImportRow> latest = store.recentImports(1);
      if (latest.isEmpty()) {
        return false;
      }
      AdvisoryStore.ImportRow row = latest.get(0);
      if (row.id().equals(lastSeen)) {
        return false;
      }
      lastSeen = row.id();
      if (row.dataVersion().equals(index.dataVersion())) {
        return false;
      }
      String before = index.dataVersion();
      long start = System.nanoTime();
      List<String> problems = AdvisoryService.loadInto(store, index);
      LOG.infof(
          "advisory import '%s' by another instance: index reloaded in %d ms, data version %s ->"
              + " %s%s",
          row.source(),
          (System.nanoTime() - start) / 1_000_000,
          before,
          index.dataVersion(),
          problems.isEmpty() ? "" : "; unreadable: " + problems);
      return true;
    } catch (RuntimeException e) {
      LOG.warnf("advisory refresh failed (retried next interval): %s", e.getMessage());
      return false;
    }
  }
}
