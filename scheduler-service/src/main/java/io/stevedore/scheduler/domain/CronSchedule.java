package io.stevedore.scheduler.domain;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.stevedore.common.spec.PipelineSpec;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fire times of a cron expression in a time zone, correct across daylight-saving changes.
 *
 * <p>The cron is matched against wall-clock time (cron-utils, evaluated in UTC so that it never
 * sees a transition itself); each matching wall-clock time is then placed in the zone:
 *
 * <ul>
 *   <li>a wall-clock time that does not exist (the hour skipped when clocks go forward) is skipped:
 *       {@code 30 2 * * *} does not fire on that night;
 *   <li>a wall-clock time that happens twice (the hour repeated when clocks go back) fires once, at
 *       its first occurrence.
 * </ul>
 */
public final class CronSchedule {

  private final ExecutionTime execution;
  private final ZoneId zone;

  public CronSchedule(Cron cron, ZoneId zone) {
    this.execution = ExecutionTime.forCron(cron);
    this.zone = zone;
  }

  private static final CronParser UNIX =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** A stored schedule: a Unix cron expression and a time zone id, both validated before. */
  public static CronSchedule parse(String cron, String timezone) {
    return new CronSchedule(UNIX.parse(cron), ZoneId.of(timezone));
  }

  public static CronSchedule of(PipelineSpec.Schedule schedule) {
    return new CronSchedule(schedule.parsedCron(), schedule.zone());
  }

  public ZoneId zone() {
    return zone;
  }

  /** The first fire time strictly after {@code after}. */
  public Optional<Instant> nextAfter(Instant after) {
    LocalDateTime wall = LocalDateTime.ofInstant(after, zone);
    // a fire time is at most a few years away (Feb 29 on a given weekday); bound the search
    for (int guard = 0; guard < 100_000; guard++) {
      Optional<ZonedDateTime> next = execution.nextExecution(wall.atZone(ZoneOffset.UTC));
      if (next.isEmpty()) {
        return Optional.empty();
      }
      LocalDateTime candidate = next.get().toLocalDateTime();
      ZoneOffsetTransition transition = zone.getRules().getTransition(candidate);
      wall = candidate;
      if (transition != null && transition.isGap()) {
        continue; // this wall-clock time does not exist today
      }
      // in an overlap, the earlier offset: the first occurrence of the repeated time
      Instant instant = ZonedDateTime.ofLocal(candidate, zone, null).toInstant();
      if (instant.isAfter(after)) {
        return Optional.of(instant);
      }
      // the wall-clock time already fired in the first pass of a repeated hour
    }
    return Optional.empty();
  }

  /** The first fire time at or after {@code from}. */
  public Optional<Instant> nextAtOrAfter(Instant from) {
    return nextAfter(from.minusNanos(1));
  }

  /** The next {@code count} fire times strictly after {@code after}. */
  public List<Instant> preview(Instant after, int count) {
    List<Instant> times = new ArrayList<>(count);
    Instant cursor = after;
    while (times.size() < count) {
      Optional<Instant> next = nextAfter(cursor);
      if (next.isEmpty()) {
        break;
      }
      times.add(next.get());
      cursor = next.get();
    }
    return times;
  }

  /** Fire times in {@code [from, to]}, at most {@code limit} of them (the earliest). */
  public List<Instant> between(Instant from, Instant to, int limit) {
    List<Instant> times = new ArrayList<>();
    Optional<Instant> next = nextAtOrAfter(from);
    while (next.isPresent() && !next.get().isAfter(to) && times.size() < limit) {
      times.add(next.get());
      next = nextAfter(next.get());
    }
    return times;
  }
}
