package io.stevedore.securitygate.config;

import io.quarkus.runtime.StartupEvent;
import io.stevedore.common.store.SchemaMigrator;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Logs the gate's effective settings once the schema is migrated; warns when it does not block. */
@ApplicationScoped
class StartupReport {

  private static final Logger LOG = Logger.getLogger(StartupReport.class);

  void onStart(
      @Observes @Priority(SchemaMigrator.PRIORITY + 1) StartupEvent event,
      SecurityGateConfig config) {
    LOG.infof(
        "security-gate settings: enforcement=%s fail-at=%s verdict-ttl=%s",
        config.enforcement(), config.failAt(), config.verdictTtl());
    if (config.enforcement() != SecurityGateConfig.Enforcement.ENFORCE) {
      LOG.warnf(
          "security-gate enforcement is %s: images with failing verdicts will be launched",
          config.enforcement());
    }
  }
}
