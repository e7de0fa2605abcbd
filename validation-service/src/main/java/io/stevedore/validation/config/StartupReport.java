package io.stevedore.validation.config;

import io.quarkus.runtime.StartupEvent;
import io.stevedore.common.store.SchemaMigrator;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Logs the validation service's effective settings once the schema is migrated. */
@ApplicationScoped
class StartupReport {

  private static final Logger LOG = Logger.getLogger(StartupReport.class);

  void onStart(
      @Observes @Priority(SchemaMigrator.PRIORITY + 1) StartupEvent event,
      ValidationConfig config) {
    LOG.infof(
        "validation settings: quarantine-bucket=%s report-bucket=%s failed-row-samples=%d"
            + " history.window=%d history.min-results=%d history.max-z-score=%.2f",
        config.quarantineBucket(),
        config.reportBucket(),
        config.failedRowSamples(),
        config.history().window(),
        config.history().minResults(),
        config.history().maxZScore());
  }
}
