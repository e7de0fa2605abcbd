package io.stevedore.scheduler.domain;

import io.stevedore.common.spec.PipelineSpec.CatchupPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Decides which due fire times of a schedule become runs, after normal operation or after the
 * scheduler was down (or the schedule paused).
 *
 * <p>A fire time is <em>missed</em> when it is more than the misfire grace older than now; the
 * others are on time and always fire. Missed fire times follow the schedule's policy:
 *
 * <ul>
 *   <li>{@code skip}: none of them fire;
 *   <li>{@code latest}: only the most recent fires;
 *   <li>{@code all}: each fires, up to {@code maxCatchup} of the most recent (and never more than
 *       the service's hard limit).
 * </ul>
 *
 * {@code maxCatchup: 0} fires no missed time whatever the policy.
 */
public final class CatchupPlanner {

  /** What to fire now, and when to look again. */
  public record Plan(List<Instant> fireTimes, int skipped, Instant nextFireAt) {}

  private final Duration misfireGrace;
  private final int hardLimit;

  public CatchupPlanner(Duration misfireGrace, int hardLimit) {
    this.misfireGrace = misfireGrace;
    this.hardLimit = hardLimit;
  }

  public Plan plan(
      CronSchedule schedule,
      Instant firstDue,
      Instant now,
      CatchupPolicy policy,
      Integer maxCatchup) {
    int keep =
        switch (policy) {
          case SKIP -> 0;
          case LATEST -> 1;
          case ALL -> Math.min(hardLimit, maxCatchup == null ? hardLimit : maxCatchup);
        };
    if (maxCatchup != null) {
      keep = Math.min(keep, maxCatchup);
    }
    Instant missedBefore = now.minus(misfireGrace);
    Deque<Instant> missed = new ArrayDeque<>();
    List<Instant> onTime = new ArrayList<>();
    int missedCount = 0;
    Optional<Instant> next = schedule.nextAtOrAfter(firstDue);
    while (next.isPresent() && !next.get().isAfter(now)) {
      Instant due = next.get();
      if (due.isBefore(missedBefore)) {
        missedCount++;
        if (keep > 0) {
          missed.addLast(due);
          if (missed.size() > keep) {
            missed.removeFirst();
          }
        }
      } else {
        onTime.add(due);
      }
      next = schedule.nextAfter(due);
    }
    List<Instant> fire = new ArrayList<>(missed);
    fire.addAll(onTime);
    return new Plan(fire, missedCount - missed.size(), next.orElse(null));
  }
}
