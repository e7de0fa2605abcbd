package io.stevedore.scheduler.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the scheduler (prefix {@code stevedore.scheduler}). */
@ConfigMapping(prefix = "stevedore.scheduler")
public interface SchedulerConfig {

  /**
   * How often the scheduler looks for schedules whose next fire time has passed. A schedule fires
   * at most this late; a shorter interval costs one small indexed query per poll.
   */
  @WithDefault("15s")
  Duration schedulePollInterval();

  /**
   * How many due schedules one poll claims ({@code FOR UPDATE SKIP LOCKED}); the rest wait for the
   * next poll or for another scheduler instance.
   */
  @WithDefault("50")
  int claimBatchSize();

  /**
   * The largest page a list endpoint returns, whatever {@code limit} the caller asks for. Keeps a
   * single response bounded.
   */
  @WithDefault("100")
  int maxPageSize();

  /**
   * The most runs one schedule may create when it catches up ({@code catchup: all}) after the
   * scheduler was down; older missed fire times are skipped and logged.
   */
  @WithDefault("100")
  int maxCatchupRuns();

  /**
   * A fire time older than this when the scheduler gets to it counts as missed and follows the
   * schedule's catch-up policy; a younger one fires whatever the policy.
   */
  @WithDefault("5m")
  Duration misfireGrace();

  /**
   * Run the schedule and backfill poller in this instance. Every instance may run it: claims use
   * {@code FOR UPDATE SKIP LOCKED}. Tests turn it off and drive the firing with their own clock.
   */
  @WithDefault("true")
  boolean pollerEnabled();
}
