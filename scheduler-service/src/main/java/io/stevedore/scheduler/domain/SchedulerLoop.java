package io.stevedore.scheduler.domain;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.stevedore.common.store.SchemaMigrator;
import io.stevedore.scheduler.config.SchedulerConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** Polls for due schedules and running backfills on one background thread. */
@ApplicationScoped
public class SchedulerLoop {

  private static final Logger LOG = Logger.getLogger(SchedulerLoop.class);

  private final ScheduleFirer firer;
  private final BackfillService backfills;
  private final SchedulerConfig config;
  private ScheduledExecutorService executor;

  SchedulerLoop(ScheduleFirer firer, BackfillService backfills, SchedulerConfig config) {
    this.firer = firer;
    this.backfills = backfills;
    this.config = config;
  }

  void start(@Observes @Priority(SchemaMigrator.PRIORITY + 200) StartupEvent event) {
    if (!config.pollerEnabled()) {
      LOG.info("schedule poller disabled (stevedore.scheduler.poller-enabled=false)");
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "schedule-poller");
              t.setDaemon(true);
              return t;
            });
    long period = config.schedulePollInterval().toMillis();
    executor.scheduleWithFixedDelay(this::poll, period, period, TimeUnit.MILLISECONDS);
  }

  void poll() {
    try {
      firer.fireDue();
      backfills.advanceAll();
    } catch (RuntimeException e) {
      LOG.errorf(e, "schedule poll failed; retrying in %s", config.schedulePollInterval());
    }
  }

  void stop(@Observes ShutdownEvent event) {
    if (executor != null) {
      executor.shutdown();
      try {
        executor.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
