package io.stevedore.scheduler.domain;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stevedore.common.spec.PipelineSpec.CatchupPolicy;
import io.stevedore.scheduler.config.SchedulerConfig;
import io.stevedore.scheduler.store.PipelineStore;
import io.stevedore.scheduler.store.PipelineStore.PipelineRow;
import io.stevedore.scheduler.store.ScheduleStore;
import io.stevedore.scheduler.store.ScheduleStore.ScheduleRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Fires due schedules. Each call claims due schedules with {@code FOR UPDATE SKIP LOCKED}, creates
 * their runs and advances {@code next_fire_at} in the same transaction, so with several scheduler
 * instances on one database every fire time makes exactly one run. The run's idempotency key is the
 * fire time, a second guard against duplicates.
 */
@ApplicationScoped
public class ScheduleFirer {

  private static final Logger LOG = Logger.getLogger(ScheduleFirer.class);

  private final ScheduleStore schedules;
  private final PipelineStore pipelines;
  private final RunService runs;
  private final Clock clock;
  private final SchedulerConfig config;
  private final Timer lag;
  private final CatchupPlanner planner;

  ScheduleFirer(
      ScheduleStore schedules,
      PipelineStore pipelines,
      RunService runs,
      Clock clock,
      SchedulerConfig config,
      MeterRegistry metrics) {
    this.schedules = schedules;
    this.pipelines = pipelines;
    this.runs = runs;
    this.clock = clock;
    this.config = config;
    this.planner = new CatchupPlanner(config.misfireGrace(), config.maxCatchupRuns());
    this.lag =
        Timer.builder("stevedore.scheduler.schedule.lag")
            .description("actual fire time minus due time")
            .publishPercentiles(0.5, 0.99)
            .register(metrics);
  }

  /** Fires what is due now; returns the number of runs created. */
  public int fireDue() {
    int created = 0;
    int claimed;
    do {
      int[] result =
          QuarkusTransaction.requiringNew()
              .call(
                  () -> {
                    Instant now = clock.instant();
                    var due = schedules.claimDue(now, config.claimBatchSize());
                    int made = 0;
                    for (ScheduleRow schedule : due) {
                      made += fire(schedule, now);
                    }
                    return new int[] {due.size(), made};
                  });
      claimed = result[0];
      created += result[1];
    } while (claimed == config.claimBatchSize());
    return created;
  }

  private int fire(ScheduleRow schedule, Instant now) {
    CronSchedule cron = CronSchedule.parse(schedule.cron(), schedule.timezone());
    CatchupPlanner.Plan plan =
        planner.plan(
            cron,
            schedule.nextFireAt(),
            now,
            CatchupPolicy.valueOf(schedule.catchup().toUpperCase()),
            schedule.maxCatchup());
    PipelineRow pipeline = pipelines.findById(schedule.pipelineId()).orElseThrow();
    int made = 0;
    Instant last = null;
    for (Instant fireTime : plan.fireTimes()) {
      var submitted =
          runs.createTriggered(
              schedule.teamId(),
              pipeline,
              pipeline.latestVersion(),
              Map.of(),
              fireTime,
              RunService.Trigger.SCHEDULE,
              "schedule:" + schedule.pipelineId() + ":" + fireTime);
      if (submitted.created()) {
        made++;
        lag.record(Duration.between(fireTime, now));
      }
      last = fireTime;
    }
    if (plan.skipped() > 0) {
      LOG.infof(
          "pipeline %s: skipped %d missed fire times (catchup %s, maxCatchup %s)",
          pipeline.name(), plan.skipped(), schedule.catchup(), schedule.maxCatchup());
    }
    schedules.advance(schedule.pipelineId(), plan.nextFireAt(), last, now);
    return made;
  }
}
