package io.stevedore.scheduler.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.contract.RunRequest;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.common.messaging.Outbox;
import io.stevedore.common.messaging.OutgoingMessage;
import io.stevedore.common.spec.PipelineSpec;
import io.stevedore.scheduler.store.PipelineStore;
import io.stevedore.scheduler.store.PipelineStore.PipelineRow;
import io.stevedore.scheduler.store.RequestLogStore;
import io.stevedore.scheduler.store.RunStore;
import io.stevedore.scheduler.store.RunStore.RunRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Creates runs, the one way for HTTP, SQS, schedules and backfills: the run row and its run-request
 * message are written in one transaction (the outbox publishes the message after the commit). An
 * idempotency key makes a retried submission return the same run.
 */
@ApplicationScoped
public class RunService {

  /** Triggers of a run. */
  public enum Trigger {
    HTTP,
    SQS,
    SCHEDULE,
    BACKFILL
  }

  /** A run and whether this call created it (false: found by idempotency key). */
  public record Submitted(RunRow run, boolean created) {}

  /** Longest accepted idempotency key. */
  public static final int MAX_IDEMPOTENCY_KEY = 200;

  static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT");

  private final PipelineStore pipelines;
  private final RunStore runs;
  private final RequestLogStore log;
  private final Outbox outbox;
  private final Clock clock;
  private final MeterRegistry metrics;
  private final SpecCache specs;
  private final PipelineHeads heads;
  private final ObjectMapper canonical;

  RunService(
      PipelineStore pipelines,
      RunStore runs,
      RequestLogStore log,
      SpecCache specs,
      PipelineHeads heads,
      Outbox outbox,
      Clock clock,
      MeterRegistry metrics,
      ObjectMapper mapper) {
    this.pipelines = pipelines;
    this.runs = runs;
    this.log = log;
    this.specs = specs;
    this.heads = heads;
    this.outbox = outbox;
    this.clock = clock;
    this.metrics = metrics;
    this.canonical = mapper.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  }

  /**
   * Submits a run. Validation problems are {@link ApiException}s (404 unknown pipeline or version,
   * 409 archived pipeline or reused key, 422 bad parameters or logical date) thrown before anything
   * is written, so a caller's transaction stays usable.
   *
   * <p>Inside a caller's transaction (SQS) the run joins it. Outside one (HTTP), the run and its
   * outbox row are written by one statement ({@link RunStore#insertWithOutbox}), which is its own
   * transaction: one round trip instead of a lookup, two inserts and a commit. The pipeline's id
   * and latest version come from {@link PipelineHeads}; the statement inserts only if they are
   * still current, so a new version or an archive is seen at once (then it retries with what the
   * statement read).
   */
  public Submitted submit(
      UUID teamId, Submission submission, Trigger trigger, String idempotencyKey) {
    checkRequest(submission, idempotencyKey);
    if (QuarkusTransaction.isActive()) {
      return submitInTransaction(teamId, submission, trigger, idempotencyKey);
    }
    PipelineHeads.Head head =
        heads.get(teamId, submission.pipeline()).orElseGet(() -> lookUpHead(teamId, submission));
    for (int attempt = 0; attempt < 3; attempt++) {
      if (head == null) {
        throw pipelineNotFound(submission);
      }
      if (head.archived()) {
        throw archived(head.name());
      }
      checkVersion(submission);
      int version = submission.version() == null ? head.latestVersion() : submission.version();
      PipelineSpec spec = spec(head.id(), head.name(), version);
      Map<String, String> parameters = resolveParameters(spec, submission.parameters());
      Instant logicalDate = parseLogicalDate(submission.logicalDate());
      String hash = requestHash(submission);
      Instant now = clock.instant();
      Instant logical = logicalDate == null ? now : logicalDate;
      UUID runId = UUID.randomUUID();
      String parametersJson = json(new TreeMap<>(parameters));
      OutgoingMessage message =
          outbox.prepare(
              Queues.RUN_REQUESTS,
              new RunRequest(
                  RunRequest.Action.RUN, runId, teamId, head.id(), version, List.of(), now, null));
      Integer expectedLatest = submission.version() == null ? head.latestVersion() : null;
      Optional<RunStore.Guarded> seen =
          runs.insertWithOutbox(
              runId,
              teamId,
              head.name(),
              head.id(),
              expectedLatest,
              version,
              trigger.name(),
              logical,
              parametersJson,
              idempotencyKey,
              idempotencyKey == null ? null : hash,
              now,
              message,
              outbox.attributesJson(message));
      if (seen.isEmpty()) {
        heads.forget(teamId, head.name());
        head = null;
        continue;
      }
      RunStore.Guarded found = seen.get();
      if (found.inserted()) {
        outbox.committed();
        return created(
            teamId,
            head.id(),
            head.name(),
            version,
            parametersJson,
            logical,
            trigger,
            idempotencyKey,
            hash,
            runId,
            now);
      }
      PipelineHeads.Head current =
          new PipelineHeads.Head(
              found.pipelineId(), head.name(), found.latestVersion(), found.archived());
      if (current.equals(head) && idempotencyKey != null) {
        // the guard held, so the insert met the team's earlier run with this key
        return existing(teamId, idempotencyKey, hash);
      }
      heads.put(teamId, current);
      head = current;
    }
    // the pipeline changed under three attempts in a row; settle it in one transaction
    return QuarkusTransaction.requiringNew()
        .call(() -> submitInTransaction(teamId, submission, trigger, idempotencyKey));
  }

  private PipelineHeads.Head lookUpHead(UUID teamId, Submission submission) {
    return pipelines
        .find(teamId, submission.pipeline())
        .map(
            p -> {
              PipelineHeads.Head head =
                  new PipelineHeads.Head(
                      p.id(), p.name(), p.latestVersion(), p.archivedAt() != null);
              heads.put(teamId, head);
              return head;
            })
        .orElse(null);
  }

  private Submitted submitInTransaction(
      UUID teamId, Submission submission, Trigger trigger, String idempotencyKey) {
    PipelineRow pipeline =
        pipelines
            .find(teamId, submission.pipeline())
            .orElseThrow(() -> pipelineNotFound(submission));
    if (pipeline.archivedAt() != null) {
      throw archived(pipeline.name());
    }
    checkVersion(submission);
    int version = submission.version() == null ? pipeline.latestVersion() : submission.version();
    PipelineSpec spec = spec(pipeline.id(), pipeline.name(), version);
    Map<String, String> parameters = resolveParameters(spec, submission.parameters());
    Instant logicalDate = parseLogicalDate(submission.logicalDate());
    String hash = requestHash(submission);
    return create(
        teamId, pipeline, version, parameters, logicalDate, trigger, idempotencyKey, hash);
  }

  private static void checkRequest(Submission submission, String idempotencyKey) {
    if (idempotencyKey != null
        && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY)) {
      throw ApiException.badRequest(
          "Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters",
          List.of(
              new Problem.FieldError(
                  "Idempotency-Key",
                  "must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters",
                  abbreviate(idempotencyKey))));
    }
    if (submission.pipeline() == null || submission.pipeline().isBlank()) {
      throw Problems.invalid("pipeline", "required field is missing", null);
    }
  }

  private static void checkVersion(Submission submission) {
    if (submission.version() != null && submission.version() < 1) {
      throw Problems.invalid("version", "must be at least 1", String.valueOf(submission.version()));
    }
  }

  private static ApiException pipelineNotFound(Submission submission) {
    return ApiException.notFound("pipeline '" + submission.pipeline() + "' not found");
  }

  private static ApiException archived(String pipeline) {
    return ApiException.conflict(
        "pipeline '" + pipeline + "' is archived; update it to use it again");
  }

  private PipelineSpec spec(UUID pipelineId, String pipeline, int version) {
    return specs
        .get(pipelineId, version)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "pipeline '" + pipeline + "' version " + version + " not found"));
  }

  /**
   * Creates a run for a schedule or backfill (already validated); idempotent on {@code key}, so a
   * fire time handled twice still makes one run.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public Submitted createTriggered(
      UUID teamId,
      PipelineRow pipeline,
      int version,
      Map<String, String> parameters,
      Instant logicalDate,
      Trigger trigger,
      String key) {
    PipelineSpec spec = specs.get(pipeline.id(), version).orElseThrow();
    return create(
        teamId,
        pipeline,
        version,
        resolveParameters(spec, parameters),
        logicalDate,
        trigger,
        key,
        key);
  }

  private Submitted create(
      UUID teamId,
      PipelineRow pipeline,
      int version,
      Map<String, String> parameters,
      Instant logicalDate,
      Trigger trigger,
      String idempotencyKey,
      String hash) {
    Instant now = clock.instant();
    UUID runId = UUID.randomUUID();
    String parametersJson = json(new TreeMap<>(parameters));
    boolean inserted =
        runs.insert(
            runId,
            teamId,
            pipeline.id(),
            version,
            trigger.name(),
            logicalDate == null ? now : logicalDate,
            parametersJson,
            idempotencyKey,
            idempotencyKey == null ? null : hash,
            now);
    if (!inserted) {
      return existing(teamId, idempotencyKey, hash);
    }
    outbox.send(
        Queues.RUN_REQUESTS,
        RunRequest.TYPE,
        RunRequest.VERSION,
        new RunRequest(
            RunRequest.Action.RUN, runId, teamId, pipeline.id(), version, List.of(), now, null));
    return created(
        teamId,
        pipeline.id(),
        pipeline.name(),
        version,
        parametersJson,
        logicalDate == null ? now : logicalDate,
        trigger,
        idempotencyKey,
        hash,
        runId,
        now);
  }

  private Submitted existing(UUID teamId, String idempotencyKey, String hash) {
    RunRow existing = runs.findByIdempotencyKey(teamId, idempotencyKey).orElseThrow();
    if (!hash.equals(existing.requestHash())) {
      throw ApiException.conflict(
          "Idempotency-Key '"
              + abbreviate(idempotencyKey)
              + "' was already used for a different request (run "
              + existing.id()
              + ")");
    }
    return new Submitted(existing, false);
  }

  private Submitted created(
      UUID teamId,
      UUID pipelineId,
      String pipeline,
      int version,
      String parametersJson,
      Instant logicalDate,
      Trigger trigger,
      String idempotencyKey,
      String hash,
      UUID runId,
      Instant now) {
    metrics
        .counter(
            "stevedore.scheduler.runs.created",
            "pipeline",
            pipeline,
            "trigger",
            trigger.name().toLowerCase())
        .increment();
    return new Submitted(
        new RunRow(
            runId,
            teamId,
            pipelineId,
            pipeline,
            version,
            "QUEUED",
            trigger.name(),
            logicalDate,
            parametersJson,
            idempotencyKey,
            idempotencyKey == null ? null : hash,
            null,
            now,
            null,
            null,
            now),
        true);
  }

  /** Records a cancel request and sends it to the orchestrator. */
  @Transactional(dontRollbackOn = ApiException.class)
  public RunRow cancel(UUID teamId, UUID runId, String reason) {
    RunRow run = activeRun(teamId, runId, "cancel");
    Instant now = clock.instant();
    log.runAction(UUID.randomUUID(), runId, teamId, "CANCEL", "[]", reason, now);
    outbox.send(
        Queues.RUN_REQUESTS,
        RunRequest.TYPE,
        RunRequest.VERSION,
        new RunRequest(
            RunRequest.Action.CANCEL,
            runId,
            teamId,
            run.pipelineId(),
            run.pipelineVersion(),
            List.of(),
            now,
            reason));
    return run;
  }

  /** Records a request to run a finished run again from its failed stages (or the named ones). */
  @Transactional(dontRollbackOn = ApiException.class)
  public RunRow rerun(UUID teamId, UUID runId, List<String> stages, String reason) {
    RunRow run =
        runs.find(teamId, runId)
            .orElseThrow(() -> ApiException.notFound("run '" + runId + "' not found"));
    if (!Set.of("FAILED", "CANCELLED", "TIMED_OUT").contains(run.status())) {
      throw ApiException.conflict(
          "run '"
              + runId
              + "' is "
              + run.status()
              + "; only a failed, cancelled or timed-out run"
              + " can be re-run from its failed stages");
    }
    List<String> wanted = stages == null ? List.of() : stages;
    if (!wanted.isEmpty()) {
      PipelineSpec spec = specs.get(run.pipelineId(), run.pipelineVersion()).orElseThrow();
      List<Problem.FieldError> unknown = new ArrayList<>();
      for (int i = 0; i < wanted.size(); i++) {
        if (spec.stage(wanted.get(i)).isEmpty()) {
          unknown.add(new Problem.FieldError("stages[" + i + "]", "unknown stage", wanted.get(i)));
        }
      }
      if (!unknown.isEmpty()) {
        throw ApiException.invalid(
            "stages[" + unknown.size() + "]: unknown stage '" + unknown.get(0).value() + "'",
            unknown);
      }
    }
    Instant now = clock.instant();
    log.runAction(UUID.randomUUID(), runId, teamId, "RESUME", json(wanted), reason, now);
    outbox.send(
        Queues.RUN_REQUESTS,
        RunRequest.TYPE,
        RunRequest.VERSION,
        new RunRequest(
            RunRequest.Action.RESUME,
            runId,
            teamId,
            run.pipelineId(),
            run.pipelineVersion(),
            wanted,
            now,
            reason));
    return run;
  }

  private RunRow activeRun(UUID teamId, UUID runId, String what) {
    RunRow run =
        runs.find(teamId, runId)
            .orElseThrow(() -> ApiException.notFound("run '" + runId + "' not found"));
    if (TERMINAL.contains(run.status())) {
      throw ApiException.conflict(
          "run '" + runId + "' is already " + run.status() + "; it cannot " + what);
    }
    return run;
  }

  static Map<String, String> resolveParameters(PipelineSpec spec, Map<String, String> given) {
    List<Problem.FieldError> problems = new ArrayList<>();
    Map<String, String> resolved = new TreeMap<>();
    for (var entry : given.entrySet()) {
      if (!spec.parameters().containsKey(entry.getKey())) {
        problems.add(
            new Problem.FieldError(
                "parameters." + entry.getKey(),
                "unknown parameter; declared: " + String.join(", ", spec.parameters().keySet()),
                entry.getValue()));
      } else if (entry.getValue() == null) {
        problems.add(
            new Problem.FieldError("parameters." + entry.getKey(), "must not be null", null));
      } else {
        resolved.put(entry.getKey(), entry.getValue());
      }
    }
    for (var declared : spec.parameters().entrySet()) {
      if (!given.containsKey(declared.getKey())) {
        if (declared.getValue().defaultValue() == null) {
          problems.add(
              new Problem.FieldError(
                  "parameters." + declared.getKey(),
                  "required parameter without a default is missing",
                  null));
        } else {
          resolved.put(declared.getKey(), declared.getValue().defaultValue());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw ApiException.invalid(
          problems.get(0).field() + ": " + problems.get(0).message(), problems);
    }
    return resolved;
  }

  static Instant parseLogicalDate(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw Problems.invalid(
          "logicalDate",
          "must be an ISO-8601 date (2026-11-26) or date-time with offset"
              + " (2026-11-26T02:00:00Z)",
          text);
    }
  }

  private String requestHash(Submission submission) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  canonical
                      .writeValueAsString(
                          new Submission(
                              submission.pipeline(),
                              submission.version(),
                              new TreeMap<>(submission.parameters()),
                              submission.logicalDate()))
                      .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private String json(Object value) {
    try {
      return canonical.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String abbreviate(String value) {
    if (value == null) {
      return null;
    }
    return value.length() <= 60 ? value : value.substring(0, 57) + "...";
  }
}
