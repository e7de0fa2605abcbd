package io.stevedore.scheduler.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.spec.PipelineSpec;
import io.stevedore.common.spec.PipelineSpecParser;
import io.stevedore.common.spec.SpecFormat;
import io.stevedore.common.spec.SpecParseResult;
import io.stevedore.scheduler.store.PipelineStore;
import io.stevedore.scheduler.store.PipelineStore.PipelineRow;
import io.stevedore.scheduler.store.PipelineStore.VersionRow;
import io.stevedore.scheduler.store.ScheduleStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Pipeline definitions: create, update (a new immutable version), read, diff, archive. */
@ApplicationScoped
public class PipelineService {

  /** A pipeline at one version. */
  public record PipelineVersion(PipelineRow pipeline, VersionRow version, PipelineSpec spec) {}

  /** The outcome of a create or update. */
  public record Saved(PipelineVersion pipeline, boolean created, boolean changed) {}

  private final PipelineStore pipelines;
  private final ScheduleStore schedules;
  private final PipelineSpecParser parser;
  private final ObjectMapper mapper;
  private final Clock clock;

  PipelineService(
      PipelineStore pipelines, ScheduleStore schedules, ObjectMapper mapper, Clock clock) {
    this.pipelines = pipelines;
    this.schedules = schedules;
    this.parser = new PipelineSpecParser();
    this.mapper = mapper;
    this.clock = clock;
  }

  /**
   * Stores a spec as the pipeline's next version. The spec's {@code team} must be the caller's
   * team; with {@code expectedName} (a PUT to the pipeline's URL) its name must match. An unchanged
   * spec makes no new version.
   */
  @Transactional(dontRollbackOn = ApiException.class)
  public Saved save(
      UUID teamId, String teamName, String text, SpecFormat format, String expectedName) {
    SpecParseResult parsed = parser.parse(text, format);
    if (!parsed.isValid()) {
      throw Problems.invalidSpec(parsed.problems());
    }
    PipelineSpec spec = parsed.spec();
    if (!spec.team().equals(teamName)) {
      throw Problems.invalid(
          "team", "must be your team '" + teamName + "', got '" + spec.team() + "'", spec.team());
    }
    if (expectedName != null && !spec.name().equals(expectedName)) {
      throw Problems.invalid(
          "name",
          "must match the pipeline in the URL '" + expectedName + "', got '" + spec.name() + "'",
          spec.name());
    }
    Instant now = clock.instant();
    boolean created = pipelines.insert(UUID.randomUUID(), teamId, spec.name(), now);
    PipelineRow row = pipelines.findForUpdate(teamId, spec.name()).orElseThrow();
    String json = parser.toJson(spec);
    if (row.latestVersion() > 0 && row.archivedAt() == null) {
      VersionRow latest = pipelines.version(row.id(), row.latestVersion()).orElseThrow();
      if (sameJson(latest.specJson(), json)) {
        return new Saved(new PipelineVersion(row, latest, spec), false, false);
      }
    }
    int version = row.latestVersion() + 1;
    pipelines.addVersion(row.id(), version, json, text, now);
    syncSchedule(row.id(), teamId, spec, now);
    PipelineRow updated = pipelines.find(teamId, spec.name()).orElseThrow();
    VersionRow stored = pipelines.version(row.id(), version).orElseThrow();
    return new Saved(new PipelineVersion(updated, stored, spec), created, true);
  }

  private void syncSchedule(UUID pipelineId, UUID teamId, PipelineSpec spec, Instant now) {
    PipelineSpec.Schedule schedule = spec.schedule();
    if (schedule == null) {
      schedules.delete(pipelineId);
      return;
    }
    Instant next = CronSchedule.of(schedule).nextAfter(now).orElse(null);
    schedules.upsert(
        pipelineId,
        teamId,
        schedule.cron(),
        schedule.timezone(),
        schedule.catchup().name().toLowerCase(),
        schedule.maxCatchup(),
        next,
        now);
  }

  private boolean sameJson(String a, String b) {
    try {
      return mapper.readTree(a).equals(mapper.readTree(b));
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /** The pipeline at {@code version}, or its latest version when null. Archived ones too. */
  public PipelineVersion get(UUID teamId, String name, Integer version) {
    PipelineRow row =
        pipelines
            .find(teamId, name)
            .orElseThrow(() -> ApiException.notFound("pipeline '" + name + "' not found"));
    int wanted = version == null ? row.latestVersion() : version;
    VersionRow stored =
        pipelines
            .version(row.id(), wanted)
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "pipeline '" + name + "' version " + wanted + " not found"));
    return new PipelineVersion(
        row, stored, parser.parseOrThrow(stored.specJson(), SpecFormat.JSON));
  }

  public Optional<PipelineRow> find(UUID teamId, String name) {
    return pipelines.find(teamId, name);
  }

  public List<PipelineRow> list(UUID teamId, String afterName, int limit, boolean archived) {
    return pipelines.list(teamId, afterName, limit, archived);
  }

  /** Changes from version {@code from} to version {@code to}. */
  public List<JsonDiff.Change> diff(UUID teamId, String name, int from, int to) {
    JsonNode a = tree(get(teamId, name, from).version().specJson());
    JsonNode b = tree(get(teamId, name, to).version().specJson());
    return JsonDiff.diff(a, b);
  }

  private JsonNode tree(String json) {
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored spec is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Archives a pipeline: it disappears from lists, takes no runs, and its schedule stops. */
  @Transactional
  public void archive(UUID teamId, String name) {
    PipelineRow row =
        pipelines
            .find(teamId, name)
            .orElseThrow(() -> ApiException.notFound("pipeline '" + name + "' not found"));
    pipelines.archive(teamId, name, clock.instant());
    schedules.delete(row.id());
  }
}
