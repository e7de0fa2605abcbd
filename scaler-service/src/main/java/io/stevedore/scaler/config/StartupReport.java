package io.stevedore.scaler.config;

import io.quarkus.runtime.StartupEvent;
import io.stevedore.common.store.SchemaMigrator;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Logs the scaler's effective settings once the schema is migrated. */
@ApplicationScoped
class StartupReport {

  private static final Logger LOG = Logger.getLogger(StartupReport.class);

  void onStart(
      @Observes @Priority(SchemaMigrator.PRIORITY + 1) StartupEvent event, ScalerConfig config) {
    LOG.infof(
        "scaler settings: evaluation-interval=%s default-cooldown=%s decision-retention=%s",
        config.evaluationInterval(), config.defaultCooldown(), config.decisionRetention());
  }
}
