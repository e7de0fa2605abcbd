package io.stevedore.scheduler.config;

import io.quarkus.runtime.StartupEvent;
import io.stevedore.common.store.SchemaMigrator;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Logs the scheduler's effective settings once the schema is migrated. */
@ApplicationScoped
class StartupReport {

  private static final Logger LOG = Logger.getLogger(StartupReport.class);

  void onStart(
      @Observes @Priority(SchemaMigrator.PRIORITY + 1) StartupEvent event, SchedulerConfig config) {
    LOG.infof(
        "scheduler settings: schedule-poll-interval=%s claim-batch-size=%d max-page-size=%d"
            + " max-catchup-runs=%d",
        config.schedulePollInterval(),
        config.claimBatchSize(),
        config.maxPageSize(),
        config.maxCatchupRuns());
  }
}
