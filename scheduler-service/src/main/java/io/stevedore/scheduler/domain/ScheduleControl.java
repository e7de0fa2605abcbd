package io.stevedore.scheduler.domain;

import io.stevedore.common.http.ApiException;
import io.stevedore.scheduler.store.PipelineStore;
import io.stevedore.scheduler.store.PipelineStore.PipelineRow;
import io.stevedore.scheduler.store.ScheduleStore;
import io.stevedore.scheduler.store.ScheduleStore.ScheduleRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Pause, resume and preview of a pipeline's schedule. */
@ApplicationScoped
public class ScheduleControl {

  /** A schedule and its next fire times. */
  public record View(String pipeline, ScheduleRow schedule, List<Instant> preview) {}

  private final PipelineStore pipelines;
  private final ScheduleStore schedules;
  private final Clock clock;

  ScheduleControl(PipelineStore pipelines, ScheduleStore schedules, Clock clock) {
    this.pipelines = pipelines;
    this.schedules = schedules;
    this.clock = clock;
  }

  public View view(UUID teamId, String name, int previewCount) {
    PipelineRow pipeline = pipeline(teamId, name);
    ScheduleRow row = schedule(teamId, pipeline);
    Instant from = row.nextFireAt() == null ? clock.instant() : row.nextFireAt().minusNanos(1);
    return new View(name, row, cron(row).preview(from, previewCount));
  }

  /**
   * Pauses or resumes. Resuming moves the next fire time to the first one after now, so the time
   * spent paused is not caught up.
   */
  @Transactional
  public View setPaused(UUID teamId, String name, boolean paused) {
    PipelineRow pipeline = pipeline(teamId, name);
    ScheduleRow row = schedule(teamId, pipeline);
    Instant now = clock.instant();
    Instant next = paused ? null : cron(row).nextAfter(now).orElse(null);
    schedules.setPaused(teamId, pipeline.id(), paused, next, now);
    return view(teamId, name, 5);
  }

  private PipelineRow pipeline(UUID teamId, String name) {
    return pipelines
        .find(teamId, name)
        .filter(p -> p.archivedAt() == null)
        .orElseThrow(() -> ApiException.notFound("pipeline '" + name + "' not found"));
  }

  private ScheduleRow schedule(UUID teamId, PipelineRow pipeline) {
    return schedules
        .find(teamId, pipeline.id())
        .orElseThrow(
            () -> ApiException.notFound("pipeline '" + pipeline.name() + "' has no schedule"));
  }

  private static CronSchedule cron(ScheduleRow row) {
    return CronSchedule.parse(row.cron(), row.timezone());
  }
}
