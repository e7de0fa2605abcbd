package io.stevedore.scheduler.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.spec.PipelineSpec;
import io.stevedore.common.spec.PipelineSpecParser;
import io.stevedore.common.spec.SpecFormat;
import io.stevedore.scheduler.store.BackfillStore;
import io.stevedore.scheduler.store.BackfillStore.BackfillRow;
import io.stevedore.scheduler.store.PipelineStore;
import io.stevedore.scheduler.store.PipelineStore.PipelineRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Backfills: one run per logical date in a range, at most {@code maxActive} unfinished at a time.
 * The logical dates are the schedule's fire times in the range when the pipeline has a schedule,
 * otherwise one per day at midnight UTC.
 */
@ApplicationScoped
public class BackfillService {

  /** Most logical dates one backfill may have. */
  public static final int MAX_DATES = 3660;

  /** A backfill and its progress. */
  public record View(BackfillRow backfill, BackfillStore.Progress progress) {}

  private final BackfillStore backfills;
  private final PipelineStore pipelines;
  private final RunService runs;
  private final Clock clock;
  private final ObjectMapper mapper;
  private final PipelineSpecParser parser = new PipelineSpecParser();

  BackfillService(
      BackfillStore backfills,
      PipelineStore pipelines,
      RunService runs,
      Clock clock,
      ObjectMapper mapper) {
    this.backfills = backfills;
    this.pipelines = pipelines;
    this.runs = runs;
    this.clock = clock;
    this.mapper = mapper;
  }

  @Transactional(dontRollbackOn = ApiException.class)
  public View start(
      UUID teamId,
      String pipelineName,
      String from,
      String to,
      int maxActive,
      Map<String, String> parameters) {
    PipelineRow pipeline =
        pipelines
            .find(teamId, pipelineName)
            .orElseThrow(() -> ApiException.notFound("pipeline '" + pipelineName + "' not found"));
    if (pipeline.archivedAt() != null) {
      throw ApiException.conflict("pipeline '" + pipelineName + "' is archived");
    }
    LocalDate fromDate = date("from", from);
    LocalDate toDate = date("to", to);
    if (toDate.isBefore(fromDate)) {
      throw Problems.invalid("to", "must not be before from (" + from + ")", to);
    }
    if (maxActive < 1 || maxActive > 100) {
      throw Problems.invalid("maxActive", "must be 1 to 100", String.valueOf(maxActive));
    }
    PipelineSpec spec =
        parser.parseOrThrow(
            pipelines.version(pipeline.id(), pipeline.latestVersion()).orElseThrow().specJson(),
            SpecFormat.JSON);
    Map<String, String> resolved =
        RunService.resolveParameters(spec, parameters == null ? Map.of() : parameters);
    List<Instant> dates = logicalDates(spec, fromDate, toDate);
    if (dates.isEmpty()) {
      throw Problems.invalid("from", "the range has no fire time of the schedule", from);
    }
    if (dates.size() > MAX_DATES) {
      throw Problems.invalid(
          "to", "the range has " + dates.size() + " logical dates; at most " + MAX_DATES, to);
    }
    Instant now = clock.instant();
    ZoneId zone = spec.schedule() == null ? ZoneOffset.UTC : spec.schedule().zone();
    BackfillRow row =
        new BackfillRow(
            UUID.randomUUID(),
            teamId,
            pipeline.id(),
            pipeline.latestVersion(),
            fromDate.atStartOfDay(zone).toInstant(),
            toDate.plusDays(1).atStartOfDay(zone).toInstant(),
            maxActive,
            json(new TreeMap<>(resolved)),
            "RUNNING",
            now);
    backfills.insert(row, dates, now);
    advance(row);
    return new View(row, backfills.progress(row.id()));
  }

  static List<Instant> logicalDates(PipelineSpec spec, LocalDate from, LocalDate to) {
    List<Instant> dates = new ArrayList<>();
    if (spec.schedule() == null) {
      for (LocalDate d = from; !d.isAfter(to) && dates.size() <= MAX_DATES; d = d.plusDays(1)) {
        dates.add(d.atStartOfDay(ZoneOffset.UTC).toInstant());
      }
      return dates;
    }
    CronSchedule cron = CronSchedule.of(spec.schedule());
    ZoneId zone = cron.zone();
    return cron.between(
        from.atStartOfDay(zone).toInstant(),
        to.plusDays(1).atStartOfDay(zone).toInstant().minusNanos(1),
        MAX_DATES + 1);
  }

  public View get(UUID teamId, UUID id) {
    BackfillRow row =
        backfills
            .find(teamId, id)
            .orElseThrow(() -> ApiException.notFound("backfill '" + id + "' not found"));
    return new View(row, backfills.progress(id));
  }

  /** Starts the next runs of every running backfill; returns the number of runs created. */
  public int advanceAll() {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              int made = 0;
              for (BackfillRow row : backfills.claimRunning(50)) {
                made += advance(row);
              }
              return made;
            });
  }

  private int advance(BackfillRow row) {
    BackfillStore.Progress progress = backfills.progress(row.id());
    if (progress.started() == progress.total() && progress.active() == 0) {
      backfills.setStatus(row.id(), "DONE", clock.instant());
      return 0;
    }
    int free = row.maxActive() - progress.active();
    if (free <= 0) {
      return 0;
    }
    PipelineRow pipeline = pipelines.findById(row.pipelineId()).orElseThrow();
    Map<String, String> parameters = parameters(row.parametersJson());
    int made = 0;
    for (Instant date : backfills.pending(row.id(), free)) {
      var submitted =
          runs.createTriggered(
              row.teamId(),
              pipeline,
              row.pipelineVersion(),
              parameters,
              date,
              RunService.Trigger.BACKFILL,
              "backfill:" + row.id() + ":" + date);
      backfills.started(row.id(), date, submitted.run().id());
      made++;
    }
    return made;
  }

  private static LocalDate date(String field, String text) {
    if (text == null) {
      throw Problems.invalid(field, "required field is missing", null);
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw Problems.invalid(field, "must be an ISO-8601 date such as 2026-11-01", text);
    }
  }

  private Map<String, String> parameters(String json) {
    try {
      return mapper.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored backfill parameters are not JSON", e);
    }
  }

  private String json(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
