package io.stevedore.orchestrator.config;

import io.quarkus.runtime.StartupEvent;
import io.stevedore.common.store.SchemaMigrator;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Logs the orchestrator's effective settings once the schema is migrated. */
@ApplicationScoped
class StartupReport {

  private static final Logger LOG = Logger.getLogger(StartupReport.class);

  void onStart(
      @Observes @Priority(SchemaMigrator.PRIORITY + 1) StartupEvent event,
      OrchestratorConfig config) {
    LOG.infof(
        "orchestrator settings: launcher=%s local-capacity=%d cpu units/%d MiB"
            + " reconcile-interval=%s default-stage-timeout=%s stage-files=%s"
            + " max-active-runs-per-team=%d dispatcher=%s every %s",
        config.launcher(),
        config.localCapacity().cpu(),
        config.localCapacity().memory(),
        config.reconcileInterval(),
        config.defaultStageTimeout(),
        java.nio.file.Path.of(config.local().logsDir()).toAbsolutePath(),
        config.maxActiveRunsPerTeam(),
        config.dispatcher().enabled() ? "on" : "off",
        config.dispatcher().pollInterval());
  }
}
