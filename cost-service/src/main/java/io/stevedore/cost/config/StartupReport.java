package io.stevedore.cost.config;

import io.quarkus.runtime.StartupEvent;
import io.stevedore.common.store.SchemaMigrator;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Logs the cost service's effective settings once the schema is migrated. */
@ApplicationScoped
class StartupReport {

  private static final Logger LOG = Logger.getLogger(StartupReport.class);

  void onStart(
      @Observes @Priority(SchemaMigrator.PRIORITY + 1) StartupEvent event, CostConfig config) {
    LOG.infof(
        "cost settings: price-book currency=%s region=%s budget-check-interval=%s",
        config.priceBook().currency(), config.priceBook().region(), config.budgetCheckInterval());
  }
}
