package io.stevedore.orchestrator.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.stevedore.common.contract.RunRequest;
import io.stevedore.common.contract.ValidationResult;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.spec.PipelineSpec;
import io.stevedore.common.spec.PipelineSpec.FailureClass;
import io.stevedore.common.spec.PipelineSpec.Resources;
import io.stevedore.common.spec.PipelineSpec.Stage;
import io.stevedore.common.spec.PipelineSpec.StageType;
import io.stevedore.orchestrator.config.OrchestratorConfig;
import io.stevedore.orchestrator.domain.Dag;
import io.stevedore.orchestrator.domain.FailureClassifier;
import io.stevedore.orchestrator.domain.RetryDecision;
import io.stevedore.orchestrator.domain.RunStatus;
import io.stevedore.orchestrator.domain.StageStatus;
import io.stevedore.orchestrator.domain.StopInfo;
import io.stevedore.orchestrator.domain.Templates;
import io.stevedore.orchestrator.gate.GateSubject;
import io.stevedore.orchestrator.launcher.LaunchSpec;
import io.stevedore.orchestrator.launcher.Launcher;
import io.stevedore.orchestrator.launcher.Started;
import io.stevedore.orchestrator.launcher.TaskEnd;
import io.stevedore.orchestrator.store.LaunchIntent;
import io.stevedore.orchestrator.store.LaunchIntentStore;
import io.stevedore.orchestrator.store.RunRow;
import io.stevedore.orchestrator.store.RunStore;
import io.stevedore.orchestrator.store.SpecStore;
import io.stevedore.orchestrator.store.StageRunRow;
import io.stevedore.orchestrator.store.StageRunStore;
import io.stevedore.orchestrator.validation.ValidationOutcome;
import io.stevedore.orchestrator.validation.ValidationStages;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The run and stage state machines. Every change to a run happens with the run's row locked, so the
 * completions of parallel stages of one run (fan-in) are serialized; every change writes its run
 * event to the outbox in the same transaction.
 *
 * <pre>
 * run:   QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED     (RESUME: FAILED|CANCELLED -> RUNNING)
 * stage: PENDING -> [WAITING_FOR_CAPACITY] -> LAUNCHING -> RUNNING -> SUCCEEDED | FAILED | TIMED_OUT
 *        any active -> CANCELLED;  no attempt -> SKIPPED (an input failed or was skipped)
 *        FAILED/TIMED_OUT with a retryable class -> new attempt PENDING (not_before = backoff)
 * </pre>
 */
@ApplicationScoped
public class RunEngine {

  private static final Logger LOG = Logger.getLogger(RunEngine.class);
  private static final String LOCAL = "LOCAL";
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd");
  private static final DateTimeFormatter DAY_NODASH = DateTimeFormatter.ofPattern("yyyyMMdd");

  /**
   * A claimed attempt to launch (spec null with an error when it cannot be launched here), with
   * what the security gate checks (null when the stage names no image).
   */
  public record Claim(LaunchIntent intent, LaunchSpec spec, String error, GateSubject subject) {
    public Claim(LaunchIntent intent, LaunchSpec spec, String error) {
      this(intent, spec, error, null);
    }
  }

  /** What the launcher answered for a claimed attempt, for {@link #launchedAll}. */
  public record Launched(UUID stageRunId, Started task) {}

  private final RunStore runs;
  private final StageRunStore stages;
  private final LaunchIntentStore intents;
  private final SpecStore specs;
  private final RunEvents events;
  private final AfterCommit afterCommit;
  private final Wakeup wakeup;
  private final Clock clock;
  private final OrchestratorConfig config;
  private final Launcher launcher;
  private final ObjectMapper mapper;
  private final TaskEnvironment taskEnvironment;
  private final Alerts alerts;
  private final ValidationStages validations;

  /**
   * Where attempts claimed by a completion go to be launched (the dispatcher), or null: then the
   * dispatcher claims every attempt itself.
   */
  private volatile Consumer<List<Claim>> handoff;

  RunEngine(
      RunStore runs,
      StageRunStore stages,
      LaunchIntentStore intents,
      SpecStore specs,
      RunEvents events,
      AfterCommit afterCommit,
      Wakeup wakeup,
      Clock clock,
      OrchestratorConfig config,
      Launcher launcher,
      ObjectMapper mapper,
      TaskEnvironment taskEnvironment,
      Alerts alerts,
      ValidationStages validations) {
    this.runs = runs;
    this.stages = stages;
    this.intents = intents;
    this.specs = specs;
    this.events = events;
    this.afterCommit = afterCommit;
    this.wakeup = wakeup;
    this.clock = clock;
    this.config = config;
    this.launcher = launcher;
    this.mapper = mapper;
    this.taskEnvironment = taskEnvironment;
    this.alerts = alerts;
    this.validations = validations;
  }

  /**
   * Lets completions claim the attempts they start and hand them to {@code launch} once committed,
   * instead of waiting for the dispatcher's next claim (launchers without a capacity of their own).
   */
  public void handOffTo(Consumer<List<Claim>> launch) {
    this.handoff = launch;
  }

  // ---------------------------------------------------------------- run requests

  /**
   * Applies a run request (in the consumer's transaction), its run events sent together as one
   * batch per subscriber (an admission of a wide run writes one event per stage).
   */
  @Transactional
  public void handle(RunRequest request) {
    Instant now = clock.instant();
    events.batched(
        () -> {
          switch (request.action()) {
            case RUN -> {
              RunRow run =
                  runs.find(request.runId())
                      .orElseThrow(
                          () ->
                              new IllegalStateException("run '" + request.runId() + "' not found"));
              admit(run.teamId(), now);
            }
            case CANCEL -> cancel(request.runId(), request.reason(), now);
            case RESUME ->
                resume(
                    request.runId(),
                    request.stages() == null ? List.of() : request.stages(),
                    request.reason(),
                    now);
          }
          return null;
        });
    afterCommit.run(wakeup::wake);
  }

  /** Admits the queued runs of every team that has some, within the limits. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void admitQueued() {
    Instant now = clock.instant();
    List<UUID> teams = runs.teamsWithQueuedRuns();
    if (teams.isEmpty()) {
      return;
    }
    events.batched(
        () -> {
          for (UUID team : teams) {
            admit(team, now);
          }
          return null;
        });
  }

  /**
   * Starts a team's queued runs, oldest first, while its pipelines stay within {@code
   * maxActiveRuns} and the team within {@code max-active-runs-per-team}. A run that does not fit
   * waits QUEUED, and so do the later runs of its pipeline.
   */
  void admit(UUID teamId, Instant now) {
    runs.lockTeamAdmission(teamId);
    int teamLimit = config.maxActiveRunsPerTeam();
    int teamRunning = runs.countRunning(teamId);
    Map<UUID, Integer> running = new HashMap<>();
    List<UUID> toStart = new ArrayList<>();
    for (RunRow queued : runs.queued(teamId)) {
      if (teamLimit > 0 && teamRunning >= teamLimit) {
        break;
      }
      int active =
          running.computeIfAbsent(queued.pipelineId(), runs::countRunningOfPipeline).intValue();
      int max = specs.version(queued.pipelineId(), queued.pipelineVersion()).spec().maxActiveRuns();
      if (active >= max) {
        continue;
      }
      toStart.add(queued.id());
      running.put(queued.pipelineId(), active + 1);
      teamRunning++;
    }
    if (toStart.isEmpty()) {
      return;
    }
    // Only the team's admission (whose lock this holds) starts a queued run; a cancel may have
    // ended one since it was read, and it is then left as it is.
    List<RunRow> started = new ArrayList<>();
    for (RunRow run : runs.lockAll(toStart).values()) {
      if (run.status() == RunStatus.QUEUED) {
        started.add(run);
      }
    }
    if (started.isEmpty()) {
      return;
    }
    runs.markStartedAll(started.stream().map(RunRow::id).toList(), now);
    List<RunRow> admitted =
        new ArrayList<>(runs.findAll(started.stream().map(RunRow::id).toList()).values());
    admitted.sort(Comparator.comparing(RunRow::createdAt).thenComparing(RunRow::id));
    for (RunRow run : admitted) {
      events.run(run, "QUEUED", "RUNNING", null, now);
      LOG.infof("run %s of %s started", run.id(), run.pipelineName());
    }
    // As a completion does, the admission claims the first stages it starts (up to a dispatch
    // batch), their launch intents committed with it, and hands them to the dispatcher to launch
    // once it committed; the rest wait PENDING for the dispatcher's claims.
    Consumer<List<Claim>> launch = handoff;
    Writes writes = new Writes(now, launch == null ? null : launcher.name(), claimBatchSize());
    advanceAll(admitted, now, writes);
    if (!writes.claimed.isEmpty()) {
      Map<UUID, RunRow> known = new HashMap<>();
      admitted.forEach(r -> known.put(r.id(), r));
      List<Claim> claimed = claimAttempts(writes.claimed, known, Free.UNLIMITED, now);
      if (!claimed.isEmpty()) {
        afterCommit.run(() -> launch.accept(claimed));
      }
    }
    afterCommit.run(wakeup::wake);
  }

  /**
   * Stage attempts claimed at once: by a dispatcher claim, and by a completion or an admission for
   * the stages it starts. 50 for ECS (whose launches are paced at the Fargate rate anyway), 200 for
   * the others, unless configured.
   */
  public int claimBatchSize() {
    return config
        .dispatcher()
        .batchSize()
        .orElse(config.launcher() == OrchestratorConfig.Launcher.ECS ? 50 : 200);
  }

  void cancel(UUID runId, String reason, Instant now) {
    Optional<RunRow> found = runs.lock(runId);
    if (found.isEmpty() || found.get().status().isTerminal()) {
      return;
    }
    RunRow run = found.get();
    PipelineSpec spec = specs.version(run.pipelineId(), run.pipelineVersion()).spec();
    String why = "run cancelled" + (reason == null || reason.isBlank() ? "" : ": " + reason);
    int stopped = 0;
    for (StageRunRow attempt : stages.active(runId)) {
      if (stages.end(attempt.id(), StageStatus.CANCELLED, null, why, null, now)) {
        events.stage(
            run,
            attempt.stageId(),
            attempt.attempt(),
            attempt.status().name(),
            "CANCELLED",
            null,
            why,
            resources(spec, attempt.stageId()),
            attempt.launcher(),
            attempt.startedAt(),
            now);
        if (stopTask(attempt.id(), now)) {
          stopped++;
        }
      }
    }
    runs.markEnded(runId, RunStatus.CANCELLED, why, now);
    events.run(run, run.status().name(), "CANCELLED", why, now);
    LOG.infof("run %s cancelled; stopping %d task(s)", runId, stopped);
    if (run.status() == RunStatus.RUNNING) {
      admit(run.teamId(), now);
    }
  }

  /**
   * Runs the failed (and skipped) stages of a finished run again, or the named ones; succeeded
   * stages keep their outputs and are not run again.
   */
  void resume(UUID runId, List<String> named, String reason, Instant now) {
    Optional<RunRow> found = runs.lock(runId);
    if (found.isEmpty() || !found.get().status().isTerminal()) {
      return;
    }
    RunRow run = found.get();
    SpecStore.Version version = specs.version(run.pipelineId(), run.pipelineVersion());
    Map<String, StageRunRow> latest = latestByStage(runId);
    // Named stages run again with everything downstream of them (it read their old outputs).
    Set<String> wanted = new HashSet<>(named);
    wanted.addAll(version.dag().downstreamOf(named));
    Set<String> again = new LinkedHashSet<>();
    for (Stage stage : version.dag().order()) {
      StageRunRow last = latest.get(stage.id());
      boolean unsuccessful = last == null || last.status() != StageStatus.SUCCEEDED;
      if (named.isEmpty() ? unsuccessful : wanted.contains(stage.id())) {
        again.add(stage.id());
      }
    }
    if (again.isEmpty()) {
      return;
    }
    String why = "resumed" + (reason == null || reason.isBlank() ? "" : ": " + reason);
    runs.markResumed(runId, why, now);
    events.run(run, run.status().name(), "RUNNING", why, now);
    for (String stageId : again) {
      StageRunRow last = latest.get(stageId);
      if (last == null || last.status() == StageStatus.SKIPPED) {
        continue; // decided again by the graph once its inputs are known
      }
      int attempt = last.attempt() + 1;
      Stage stage = version.spec().stage(stageId).orElseThrow();
      boolean ready =
          stage.dependsOn().stream()
              .allMatch(
                  input ->
                      !again.contains(input)
                          && latest.containsKey(input)
                          && latest.get(input).status() == StageStatus.SUCCEEDED);
      if (ready) {
        stages.insert(runId, stageId, attempt, StageStatus.PENDING, why, null, now);
        events.stage(
            run, stageId, attempt, null, "PENDING", null, why, stage.resources(), null, null, now);
      } else {
        // Skipped for now: the graph starts it once its inputs have succeeded again.
        stages.insert(runId, stageId, attempt, StageStatus.SKIPPED, why, null, now);
      }
    }
    RunRow resumed = runs.find(runId).orElseThrow();
    advance(resumed, now);
  }

  /** What a manual retry of one stage started. */
  @RegisterForReflection
  public record StageRetry(UUID runId, String stageId, int attempt, String runStatus) {}

  /**
   * Retries one stage by hand (the run's team only; another team's run is not found). In a run that
   * ended, the stage and its downstream run again, as a resume naming it; in a running run, a stage
   * whose last attempt failed, timed out or was cancelled gets a new attempt, and the stages
   * skipped behind it wait for it again.
   */
  @Transactional
  public StageRetry retryStage(UUID teamId, UUID runId, String stageId, String reason) {
    Instant now = clock.instant();
    runs.find(teamId, runId)
        .orElseThrow(() -> ApiException.notFound("run '" + runId + "' not found"));
    RunRow run = runs.lock(runId).orElseThrow();
    SpecStore.Version version = specs.version(run.pipelineId(), run.pipelineVersion());
    Stage stage =
        version
            .spec()
            .stage(stageId)
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "stage '" + stageId + "' not found in run '" + runId + "'"));
    StageRunRow last = latestByStage(runId).get(stageId);
    String why = "retried by hand" + (reason == null || reason.isBlank() ? "" : ": " + reason);
    if (run.status() == RunStatus.QUEUED) {
      throw ApiException.conflict("run '" + runId + "' is QUEUED: it has not started yet");
    }
    if (run.status().isTerminal()) {
      resume(runId, List.of(stageId), why, now);
    } else {
      if (last == null || last.status() == StageStatus.SKIPPED) {
        throw ApiException.conflict(
            "stage '"
                + stageId
                + "' has not run in run '"
                + runId
                + "': it waits for its inputs or was skipped behind a failed one");
      }
      if (last.status().isActive() || last.status() == StageStatus.SUCCEEDED) {
        throw ApiException.conflict(
            "stage '"
                + stageId
                + "' attempt "
                + last.attempt()
                + " is "
                + last.status()
                + "; only a failed, timed out or cancelled stage can be retried while the run"
                + " runs");
      }
      stages.insert(runId, stageId, last.attempt() + 1, StageStatus.PENDING, why, null, now);
      events.stage(
          run,
          stageId,
          last.attempt() + 1,
          null,
          "PENDING",
          null,
          why,
          stage.resources(),
          null,
          null,
          now);
      advance(run, now);
    }
    afterCommit.run(wakeup::wake);
    StageRunRow retried = latestByStage(runId).get(stageId);
    RunRow after = runs.find(runId).orElseThrow();
    return new StageRetry(runId, stageId, retried.attempt(), after.status().name());
  }

  // ---------------------------------------------------------------- the graph

  /**
   * Stage attempt writes of one transaction that wait to be sent together: ends and new attempts,
   * written with one JDBC batch each by {@link #flush} (before anything reads them back).
   */
  private final class Writes {
    private final Instant now;
    private final List<StageRunStore.End> ends = new ArrayList<>();
    private final List<StageRunStore.NewAttempt> inserts = new ArrayList<>();

    /**
     * The launcher that claims the stages this transaction starts, or null: then they are written
     * PENDING for the dispatcher to claim. Claimed, they are written LAUNCHING at once (one write
     * less than PENDING and a claim) and kept in {@link #claimed}, as {@link
     * StageRunStore#claimDueOfRuns} would return them; at most {@link #claimLimit} of them, the
     * others are written PENDING. (A wide fan-out claimed whole would be launched and recorded
     * RUNNING in one long batch, while claims of a dispatch batch each are launched one after the
     * other as the earlier ones end.)
     */
    private final String claimFor;

    private final int claimLimit;

    private final List<StageRunRow> claimed = new ArrayList<>();

    Writes(Instant now) {
      this(now, null, 0);
    }

    Writes(Instant now, String claimFor, int claimLimit) {
      this.now = now;
      this.claimFor = claimFor;
      this.claimLimit = claimLimit;
    }

    boolean claims() {
      return claimFor != null && claimed.size() < claimLimit;
    }

    void flush() {
      if (!ends.isEmpty()) {
        stages.endAll(ends, now);
        ends.clear();
      }
      if (!inserts.isEmpty()) {
        stages.insertAll(inserts, now);
        inserts.clear();
      }
    }
  }

  /**
   * Moves a run forward (its row locked): starts the stages whose inputs all succeeded, skips those
   * behind a failed input, and ends the run when every stage is done or blocked.
   */
  private void advance(RunRow run, Instant now) {
    advanceAll(List.of(run), now, new Writes(now));
  }

  /** {@link #advance} for several runs (all locked), with one read and one write batch. */
  private void advanceAll(List<RunRow> toAdvance, Instant now, Writes writes) {
    advanceAll(toAdvance, now, writes, null);
  }

  /**
   * {@link #advanceAll(List, Instant, Writes)}, knowing which stages of each run this transaction
   * ended ({@code ended}; null: not known). A run none of whose ended stages has a downstream
   * stage, and which still has an attempt in flight, has nothing to plan: nothing can start or be
   * skipped, and it cannot end yet (every earlier change was planned in its own transaction). Such
   * runs are found with one statement instead of reading and planning every stage of each: the
   * stages of a wide fan-out end in many batches, and each batch would read the whole run again.
   */
  private void advanceAll(
      List<RunRow> candidates, Instant now, Writes writes, Map<UUID, Set<String>> ended) {
    writes.flush();
    List<RunRow> toAdvance = candidates;
    if (ended != null) {
      List<UUID> leaves = new ArrayList<>();
      for (RunRow run : candidates) {
        Dag dag = specs.version(run.pipelineId(), run.pipelineVersion()).dag();
        Set<String> stagesEnded = ended.getOrDefault(run.id(), Set.of());
        if (!stagesEnded.isEmpty() && stagesEnded.stream().noneMatch(dag::hasDependents)) {
          leaves.add(run.id());
        }
      }
      Set<UUID> busy = stages.withActiveAttempts(leaves);
      if (!busy.isEmpty()) {
        toAdvance = candidates.stream().filter(r -> !busy.contains(r.id())).toList();
      }
    }
    Map<UUID, List<StageRunRow>> latestAll =
        stages.latestAll(toAdvance.stream().map(RunRow::id).toList());
    boolean started = false;
    Set<UUID> teamsToAdmit = new LinkedHashSet<>();
    List<RunStore.End> runEnds = new ArrayList<>();
    for (RunRow run : toAdvance) {
      SpecStore.Version version = specs.version(run.pipelineId(), run.pipelineVersion());
      Map<String, StageRunRow> latest = new LinkedHashMap<>();
      for (StageRunRow row : latestAll.getOrDefault(run.id(), List.of())) {
        latest.put(row.stageId(), row);
      }
      Map<String, Dag.Latest> view = new HashMap<>();
      latest.forEach(
          (id, row) ->
              view.put(
                  id,
                  new Dag.Latest(
                      id, row.attempt(), row.status(), row.failureClass(), row.reason())));
      Dag.Plan plan = version.dag().plan(view);
      for (String stageId : plan.start()) {
        int attempt = latest.containsKey(stageId) ? latest.get(stageId).attempt() + 1 : 1;
        if (!writes.claims()) {
          writes.inserts.add(
              new StageRunStore.NewAttempt(
                  run.id(), stageId, attempt, StageStatus.PENDING, null, null));
        } else {
          UUID id = UUID.randomUUID();
          writes.inserts.add(
              new StageRunStore.NewAttempt(
                  id,
                  run.id(),
                  stageId,
                  attempt,
                  StageStatus.LAUNCHING,
                  null,
                  null,
                  writes.claimFor));
          writes.claimed.add(
              new StageRunRow(
                  id,
                  run.id(),
                  stageId,
                  attempt,
                  StageStatus.PENDING,
                  null,
                  null,
                  writes.claimFor,
                  null,
                  null,
                  null,
                  now,
                  null,
                  null));
        }
        events.stage(
            run,
            stageId,
            attempt,
            null,
            "PENDING",
            null,
            null,
            resources(version.spec(), stageId),
            null,
            null,
            now);
        started = true;
      }
      for (Map.Entry<String, String> skip : plan.skip().entrySet()) {
        StageRunRow last = latest.get(skip.getKey());
        int attempt = last == null ? 1 : last.attempt() + 1;
        writes.inserts.add(
            new StageRunStore.NewAttempt(
                run.id(), skip.getKey(), attempt, StageStatus.SKIPPED, skip.getValue(), null));
        events.stage(
            run,
            skip.getKey(),
            attempt,
            null,
            "SKIPPED",
            null,
            skip.getValue(),
            resources(version.spec(), skip.getKey()),
            null,
            null,
            now);
      }
      if (plan.outcome().isPresent()) {
        Dag.Outcome outcome = plan.outcome().get();
        runEnds.add(new RunStore.End(run.id(), outcome.status(), outcome.reason()));
        events.run(run, "RUNNING", outcome.status().name(), outcome.reason(), now);
        LOG.infof("run %s %s: %s", run.id(), outcome.status(), outcome.reason());
        teamsToAdmit.add(run.teamId());
      }
    }
    writes.flush();
    runs.markEndedAll(runEnds, now);
    if (started) {
      afterCommit.run(wakeup::wake);
    }
    for (UUID team : teamsToAdmit) {
      // The dispatcher's pass admits queued runs too, so a run queued meanwhile is not forgotten.
      if (runs.hasQueued(team)) {
        admit(team, now);
      }
    }
  }

  private Map<String, StageRunRow> latestByStage(UUID runId) {
    Map<String, StageRunRow> latest = new LinkedHashMap<>();
    for (StageRunRow row : stages.latest(runId)) {
      latest.put(row.stageId(), row);
    }
    return latest;
  }

  // ---------------------------------------------------------------- task ends

  /** A task ended: record how, retry or move the run forward. Idempotent. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void complete(UUID stageRunId, StopInfo stop) {
    events.batched(
        () -> {
          completeNow(List.of(new TaskEnd(stageRunId, stop)));
          return null;
        });
  }

  /**
   * Several task ends in one transaction: every run concerned is locked once (in id order), the
   * ends are recorded, and each run is moved forward once. The same as {@link #complete} for each
   * end, with a fraction of the round trips and commits; idempotent per end.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void completeAll(List<TaskEnd> ends) {
    events.batched(
        () -> {
          completeNow(ends);
          return null;
        });
  }

  private void completeNow(List<TaskEnd> ends) {
    Instant now = clock.instant();
    Map<UUID, StopInfo> stops = new LinkedHashMap<>();
    for (TaskEnd end : ends) {
      stops.putIfAbsent(end.stageRunId(), end.stop());
    }
    Map<UUID, RunRow> locked = runs.lockAllOfAttempts(stops.keySet());
    // Read under the run locks: an end recorded meanwhile is not recorded twice.
    Map<UUID, StageRunRow> attempts = stages.findAll(stops.keySet());
    intents.markEndedAll(attempts.keySet(), now);
    Map<UUID, RunRow> moved = new LinkedHashMap<>();
    Map<UUID, Set<String>> ended = new HashMap<>();
    Consumer<List<Claim>> launch = handoff;
    Writes writes = new Writes(now, launch == null ? null : launcher.name(), claimBatchSize());
    for (Map.Entry<UUID, StopInfo> end : stops.entrySet()) {
      StageRunRow attempt = attempts.get(end.getKey());
      if (attempt == null || !attempt.status().isActive()) {
        continue; // unknown, or already ended (cancelled, timed out, or reported twice)
      }
      RunRow run = locked.get(attempt.runId());
      if (run == null) {
        continue;
      }
      record(run, attempt, end.getValue(), now, writes);
      moved.put(run.id(), run);
      ended.computeIfAbsent(run.id(), id -> new HashSet<>()).add(attempt.stageId());
    }
    advanceAll(
        moved.values().stream().filter(r -> r.status() == RunStatus.RUNNING).toList(),
        now,
        writes,
        ended);
    if (launch != null && !moved.isEmpty()) {
      // The attempts just started are claimed in this transaction (written LAUNCHING), their
      // launch intents committed with it, and launched once it committed: no wait for the
      // dispatcher. Lost with the process, they are found by the reconciler like any claim. Other
      // due attempts of these runs (retries without a backoff) are claimed with them.
      List<StageRunRow> due = new ArrayList<>(writes.claimed);
      due.addAll(
          stages.claimDueOfRuns(
              moved.keySet(), now, launcher.name(), claimBatchSize() - due.size()));
      List<Claim> claimed = claimAttempts(due, moved, Free.UNLIMITED, now);
      if (!claimed.isEmpty()) {
        afterCommit.run(() -> launch.accept(claimed));
      }
    }
    if (!moved.isEmpty()) {
      afterCommit.run(wakeup::wake);
    }
  }

  /** An attempt ran past its deadline: it is TIMED_OUT (class TIMEOUT) and its task stopped. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void timeOut(UUID stageRunId) {
    Instant now = clock.instant();
    Optional<StageRunRow> found = stages.find(stageRunId);
    if (found.isEmpty()) {
      return;
    }
    RunRow run = runs.lock(found.get().runId()).orElseThrow();
    StageRunRow attempt = stages.find(stageRunId).orElseThrow();
    if (!attempt.status().isActive()) {
      return;
    }
    Duration timeout = timeout(run, attempt.stageId());
    finish(
        run,
        attempt,
        new StopInfo("UserInitiated", "exceeded its timeout of " + timeout, null, null, true),
        now);
    stopTask(stageRunId, now);
  }

  /**
   * The watchdog gives up on an attempt (silent, or stuck before running): if it is still in one of
   * {@code expected}, it ends with {@code stop} (retried as its class allows) and its task is
   * stopped. Returns whether it was ended here.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean abandon(UUID stageRunId, Set<StageStatus> expected, StopInfo stop) {
    Instant now = clock.instant();
    Optional<StageRunRow> found = stages.find(stageRunId);
    if (found.isEmpty()) {
      return false;
    }
    RunRow run = runs.lock(found.get().runId()).orElseThrow();
    StageRunRow attempt = stages.find(stageRunId).orElseThrow();
    if (!expected.contains(attempt.status())) {
      return false;
    }
    finish(run, attempt, stop, now);
    stopTask(stageRunId, now);
    return true;
  }

  /**
   * Stops the task of an attempt ended here (cancelled, timed out, given up), once this transaction
   * has committed; returns whether it has a task to stop. Its launch intent stays open until the
   * task's end is seen (the stopped task's report, a task event, or a probe of the reconciler,
   * which stops again a task still alive for an ended attempt): closed here, a crash between the
   * commit and the stop would leave the task running with no one watching it. An attempt without a
   * task (a validate stage's request) has its intent closed now.
   */
  private boolean stopTask(UUID stageRunId, Instant now) {
    Optional<LaunchIntent> intent = intents.find(stageRunId);
    if (intent.isPresent() && isTask(intent.get())) {
      afterCommit.run(() -> launcher.stop(intent.get()));
      return true;
    }
    intent.ifPresent(i -> intents.markEnded(stageRunId, now));
    return false;
  }

  private void finish(RunRow run, StageRunRow attempt, StopInfo stop, Instant now) {
    Writes writes = new Writes(now);
    record(run, attempt, stop, now, writes);
    if (run.status() == RunStatus.RUNNING) {
      advanceAll(List.of(run), now, writes);
    } else {
      writes.flush();
    }
    afterCommit.run(wakeup::wake);
  }

  /** Records how an attempt ended, with its retry when its class allows one (not the graph). */
  private void record(RunRow run, StageRunRow attempt, StopInfo stop, Instant now, Writes writes) {
    PipelineSpec spec = specs.version(run.pipelineId(), run.pipelineVersion()).spec();
    Stage stage = spec.stage(attempt.stageId()).orElseThrow();
    Optional<FailureClass> failure = FailureClassifier.classify(stop);
    if (failure.isEmpty()) {
      String note =
          stop.stopCode() != null && stop.stopCode().startsWith("Stevedore")
              ? stop.stoppedReason()
              : null;
      writes.ends.add(
          new StageRunStore.End(attempt.id(), StageStatus.SUCCEEDED, null, note, stop.exitCode()));
      events.stage(
          run,
          attempt.stageId(),
          attempt.attempt(),
          attempt.status().name(),
          "SUCCEEDED",
          null,
          note,
          stage.resources(),
          attempt.launcher(),
          attempt.startedAt(),
          now);
    } else {
      FailureClass failureClass = failure.get();
      StageStatus status =
          failureClass == FailureClass.TIMEOUT ? StageStatus.TIMED_OUT : StageStatus.FAILED;
      RetryDecision decision =
          RetryDecision.decide(
              stage.retry(),
              failureClass,
              attempt.attempt(),
              () -> ThreadLocalRandom.current().nextDouble());
      String reason = stop.describe();
      writes.ends.add(
          new StageRunStore.End(
              attempt.id(), status, failureClass.name(), reason, stop.exitCode()));
      events.stage(
          run,
          attempt.stageId(),
          attempt.attempt(),
          attempt.status().name(),
          status.name(),
          failureClass.name(),
          reason + "; " + decision.why(),
          stage.resources(),
          attempt.launcher(),
          attempt.startedAt(),
          now);
      LOG.infof(
          "stage %s attempt %d of run %s %s (%s): %s; %s",
          attempt.stageId(),
          attempt.attempt(),
          run.id(),
          status,
          failureClass,
          reason,
          decision.why());
      if (!decision.retry() && run.status() == RunStatus.RUNNING) {
        writes.flush();
        alerts.stageFailed(run, attempt, status.name(), failureClass.name(), reason, now);
      }
      if (decision.retry() && run.status() == RunStatus.RUNNING) {
        Instant due = now.plus(decision.delay());
        writes.inserts.add(
            new StageRunStore.NewAttempt(
                run.id(),
                attempt.stageId(),
                attempt.attempt() + 1,
                StageStatus.PENDING,
                "retry after " + failureClass + " (backoff " + decision.delay().toMillis() + " ms)",
                due));
        events.stage(
            run,
            attempt.stageId(),
            attempt.attempt() + 1,
            null,
            "PENDING",
            null,
            "retry after " + failureClass,
            stage.resources(),
            null,
            null,
            now);
      }
    }
  }

  // ---------------------------------------------------------------- launching

  /**
   * Claims due attempts of running runs in one batch ({@code FOR UPDATE SKIP LOCKED}). Those that
   * fit the launcher's free capacity get a launch intent, committed with this transaction before
   * anything is started; the others wait in WAITING_FOR_CAPACITY.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<Claim> claim(int limit) {
    return events.batched(() -> claimNow(limit));
  }

  private List<Claim> claimNow(int limit) {
    Instant now = clock.instant();
    // The capacity in use is read before the claim, which makes the claimed attempts LAUNCHING.
    Free free = freeCapacity();
    List<StageRunRow> claimed = stages.claimDue(now, limit, launcher.name());
    Set<UUID> claimedRuns = new HashSet<>();
    claimed.forEach(a -> claimedRuns.add(a.runId()));
    return claimAttempts(claimed, runs.findAll(claimedRuns), free, now);
  }

  /** CPU units and MiB the launcher can still give: the local capacity less what is in use. */
  private record Free(int cpu, int memory) {
    static final Free UNLIMITED = new Free(Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  /** Only the local launcher has a capacity of its own; ECS answers capacity failures itself. */
  private Free freeCapacity() {
    if (!LOCAL.equals(launcher.name())) {
      return Free.UNLIMITED;
    }
    int cpuFree = config.localCapacity().cpu();
    int memoryFree = config.localCapacity().memory();
    for (StageRunStore.InFlight held : stages.capacityHolders(launcher.name())) {
      Resources r =
          resources(
              specs.version(held.pipelineId(), held.pipelineVersion()).spec(), held.stageId());
      cpuFree -= r.cpu();
      memoryFree -= r.memory();
    }
    return new Free(cpuFree, memoryFree);
  }

  /**
   * The body of a claim, for attempts already claimed (LAUNCHING): a launch intent for each that
   * fits {@code free}, a capacity wait for the others, a validation request for validate stages.
   * {@code known} holds runs already read (more are read when needed).
   */
  private List<Claim> claimAttempts(
      List<StageRunRow> claimed, Map<UUID, RunRow> known, Free free, Instant now) {
    boolean local = LOCAL.equals(launcher.name());
    int cpuFree = free.cpu();
    int memoryFree = free.memory();
    List<Claim> claims = new ArrayList<>();
    List<LaunchIntent> newIntents = new ArrayList<>();
    List<StageRunStore.Wait> waits = new ArrayList<>();
    Map<UUID, RunRow> runCache = new HashMap<>(known);
    Map<UUID, RunValues> runValues = new HashMap<>();
    // Read once, for the first claimed attempt that has inputs.
    TaskEnvironment.Outputs outputs = null;
    for (Iterator<StageRunRow> it = claimed.iterator(); it.hasNext(); ) {
      StageRunRow attempt = it.next();
      RunRow run = runCache.computeIfAbsent(attempt.runId(), id -> runs.find(id).orElseThrow());
      PipelineSpec spec = specs.version(run.pipelineId(), run.pipelineVersion()).spec();
      Stage stage = spec.stage(attempt.stageId()).orElseThrow();
      if (stage.type() == StageType.VALIDATE) {
        startValidation(run, attempt, stage, now);
        continue;
      }
      Resources need = stage.resources();
      boolean neverFits =
          local
              && (need.cpu() > config.localCapacity().cpu()
                  || need.memory() > config.localCapacity().memory());
      if (!neverFits && (need.cpu() > cpuFree || need.memory() > memoryFree)) {
        String why =
            "waiting for "
                + need.cpu()
                + " CPU units and "
                + need.memory()
                + " MiB; free "
                + Math.max(cpuFree, 0)
                + " and "
                + Math.max(memoryFree, 0)
                + " of "
                + config.localCapacity().cpu()
                + " and "
                + config.localCapacity().memory();
        waits.add(new StageRunStore.Wait(attempt.id(), why));
        if (attempt.status() != StageStatus.WAITING_FOR_CAPACITY) {
          events.stage(
              run,
              attempt.stageId(),
              attempt.attempt(),
              attempt.status().name(),
              "WAITING_FOR_CAPACITY",
              null,
              why,
              need,
              launcher.name(),
              null,
              now);
        }
        continue;
      }
      cpuFree -= need.cpu();
      memoryFree -= need.memory();
      Instant deadline = now.plus(timeout(run, stage.id()));
      LaunchIntent intent =
          launcher.intent(attempt.id(), run.id(), stage.id(), attempt.attempt(), now, deadline);
      newIntents.add(intent);
      GateSubject subject =
          stage.image() == null || stage.image().isBlank()
              ? null
              : new GateSubject(
                  attempt.id(), run.id(), run.teamId(), run.teamName(), stage.id(), stage.image());
      events.stage(
          run,
          attempt.stageId(),
          attempt.attempt(),
          attempt.status().name(),
          "LAUNCHING",
          null,
          null,
          need,
          launcher.name(),
          null,
          now);
      if (neverFits) {
        claims.add(
            new Claim(
                intent,
                null,
                "RESOURCE:CPU/MEMORY: the stage needs "
                    + need.cpu()
                    + " CPU units and "
                    + need.memory()
                    + " MiB, more than the local capacity of "
                    + config.localCapacity().cpu()
                    + " and "
                    + config.localCapacity().memory(),
                subject));
        continue;
      }
      try {
        if (outputs == null && !stage.dependsOn().isEmpty()) {
          outputs = taskEnvironment.outputsOf(inputsOf(claimed, runCache));
        }
        RunValues values = runValues.computeIfAbsent(run.id(), id -> runValues(run, spec));
        claims.add(
            new Claim(intent, launchSpec(run, attempt, stage, outputs, values), null, subject));
      } catch (IllegalArgumentException e) {
        claims.add(new Claim(intent, null, e.getMessage(), subject));
      }
    }
    stages.waitForCapacityAll(waits, now);
    intents.insertAll(newIntents);
    return claims;
  }

  /** The upstream stages whose outputs the claimed attempts read, by run. */
  private Map<UUID, Set<String>> inputsOf(List<StageRunRow> claimed, Map<UUID, RunRow> runCache) {
    Map<UUID, Set<String>> inputs = new HashMap<>();
    for (StageRunRow attempt : claimed) {
      RunRow run = runCache.computeIfAbsent(attempt.runId(), id -> runs.find(id).orElseThrow());
      specs
          .version(run.pipelineId(), run.pipelineVersion())
          .spec()
          .stage(attempt.stageId())
          .filter(stage -> !stage.dependsOn().isEmpty())
          .ifPresent(
              stage ->
                  inputs
                      .computeIfAbsent(run.id(), id -> new HashSet<>())
                      .addAll(stage.dependsOn()));
    }
    return inputs;
  }

  /** A claimed validate attempt: its request goes to validation-service (in the claim's tx). */
  private void startValidation(RunRow run, StageRunRow attempt, Stage stage, Instant now) {
    String input = stage.dependsOn().isEmpty() ? null : stage.dependsOn().get(0);
    if (input == null) {
      // The spec check refuses this; a spec stored before that check could still have one.
      runs.lock(run.id());
      finish(
          run,
          attempt,
          new StopInfo(
              ValidationOutcome.FAILED,
              "a validate stage checks the output of exactly one stage; '"
                  + stage.id()
                  + "' depends on none",
              null,
              null,
              false),
          now);
      return;
    }
    Instant deadline = now.plus(timeout(run, stage.id()));
    String dataset = inputUri(run, input);
    if (validations.start(run, attempt, stage, dataset, deadline, now)) {
      events.stage(
          run,
          attempt.stageId(),
          attempt.attempt(),
          attempt.status().name(),
          "RUNNING",
          null,
          "validating " + dataset + " against suite '" + stage.suite() + "'",
          stage.resources(),
          ValidationStages.LAUNCHER,
          now,
          now);
    }
  }

  /** Where the output of a run's stage is, for the stages that read it. */
  private String inputUri(RunRow run, String stageId) {
    return validations.inputUri(run, stageId);
  }

  /**
   * validation-service answered a validate attempt: end it as its {@code onFail} says (in the
   * consumer's transaction). A late answer (the attempt timed out or was cancelled) is ignored; an
   * answer for an attempt that never existed is refused (dead-letter queue).
   */
  @Transactional
  public void validated(ValidationResult result) {
    Optional<StageRunRow> found = stages.find(result.stageRunId());
    if (found.isEmpty()) {
      throw new IllegalArgumentException(
          "validation result for unknown stage attempt " + result.stageRunId());
    }
    RunRow run = runs.lock(found.get().runId()).orElseThrow();
    Instant now = clock.instant();
    StageRunRow attempt = stages.find(result.stageRunId()).orElseThrow();
    if (!attempt.status().isActive() || !ValidationStages.LAUNCHER.equals(attempt.launcher())) {
      LOG.infof(
          "validation result for stage %s attempt %d of run %s ignored: the attempt is %s",
          attempt.stageId(), attempt.attempt(), run.id(), attempt.status());
      return;
    }
    intents.markEnded(attempt.id(), now);
    Stage stage =
        specs
            .version(run.pipelineId(), run.pipelineVersion())
            .spec()
            .stage(attempt.stageId())
            .orElseThrow();
    StopInfo stop = ValidationOutcome.of(stage.onFail(), result);
    if (FailureClassifier.classify(stop).isEmpty()) {
      validations.recordOutputs(run, attempt, stage, result, now);
    }
    finish(run, attempt, stop, now);
  }

  /**
   * The image a claimed attempt is about to launch, for the security gate; empty when the stage
   * names no image (built-in stages run the worker, validate stages run nothing).
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Optional<GateSubject> gateSubject(UUID stageRunId) {
    StageRunRow attempt = stages.find(stageRunId).orElseThrow();
    RunRow run = runs.find(attempt.runId()).orElseThrow();
    Stage stage =
        specs
            .version(run.pipelineId(), run.pipelineVersion())
            .spec()
            .stage(attempt.stageId())
            .orElseThrow();
    if (stage.image() == null || stage.image().isBlank()) {
      return Optional.empty();
    }
    return Optional.of(
        new GateSubject(
            attempt.id(), run.id(), run.teamId(), run.teamName(), stage.id(), stage.image()));
  }

  /** Whether an intent is a launcher's task (validate stages have none to stop). */
  private static boolean isTask(LaunchIntent intent) {
    return !ValidationStages.LAUNCHER.equals(intent.launcher());
  }

  /**
   * The launcher started the task: record it (LAUNCHING to RUNNING). False when the attempt moved
   * on meanwhile (cancelled while it was started): its task must be stopped.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean launched(UUID stageRunId, Started task) {
    return !events
        .batched(() -> launchedNow(List.of(new Launched(stageRunId, task))))
        .contains(stageRunId);
  }

  /**
   * Several started tasks recorded in one transaction (LAUNCHING to RUNNING, with their launcher
   * answers). Returns the attempts that moved on meanwhile (cancelled while they were started):
   * their tasks must be stopped.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Set<UUID> launchedAll(List<Launched> launched) {
    return events.batched(() -> launchedNow(launched));
  }

  private Set<UUID> launchedNow(List<Launched> launched) {
    Instant now = clock.instant();
    Set<UUID> refused = new HashSet<>();
    if (launched.isEmpty()) {
      return refused;
    }
    List<UUID> ids = launched.stream().map(Launched::stageRunId).toList();
    intents.confirmAll(
        launched.stream()
            .map(
                l ->
                    new LaunchIntentStore.Confirmation(
                        l.stageRunId(), l.task().taskRef(), l.task().pid(), l.task().startedAt()))
            .toList(),
        now);
    Map<UUID, StageRunRow> changed =
        stages.markRunningAll(
            launched.stream()
                .map(l -> new StageRunStore.Running(l.stageRunId(), l.task().taskRef()))
                .toList(),
            now);
    // Those that did not change moved on meanwhile (cancelled), unless they were RUNNING already.
    List<UUID> unchanged = ids.stream().filter(id -> !changed.containsKey(id)).toList();
    Map<UUID, StageRunRow> others = unchanged.isEmpty() ? Map.of() : stages.findAll(unchanged);
    for (UUID id : unchanged) {
      StageRunRow attempt = others.get(id);
      if (attempt == null || attempt.status() != StageStatus.RUNNING) {
        refused.add(id);
      }
    }
    Set<UUID> runIds = new HashSet<>();
    changed.values().forEach(a -> runIds.add(a.runId()));
    Map<UUID, RunRow> runRows = runs.findAll(runIds);
    for (UUID id : ids) {
      StageRunRow attempt = changed.get(id);
      if (attempt == null) {
        continue;
      }
      RunRow run = runRows.get(attempt.runId());
      events.stage(
          run,
          attempt.stageId(),
          attempt.attempt(),
          "LAUNCHING",
          "RUNNING",
          null,
          null,
          resources(
              specs.version(run.pipelineId(), run.pipelineVersion()).spec(), attempt.stageId()),
          attempt.launcher(),
          now,
          now);
    }
    return refused;
  }

  /** Which of the attempts may still be launched (not cancelled meanwhile), in one read. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Set<UUID> stillLaunchingAll(Collection<UUID> ids) {
    Set<UUID> launching = new HashSet<>();
    stages
        .findAll(ids)
        .values()
        .forEach(
            a -> {
              if (a.status() == StageStatus.LAUNCHING) {
                launching.add(a.id());
              }
            });
    return launching;
  }

  /** Records a task's status as the launcher saw it (for the watchdog and the API). */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void taskStatus(UUID stageRunId, String status, Instant at) {
    intents.taskStatus(stageRunId, status, at);
  }

  /** Whether the attempt may still be launched (it was not cancelled meanwhile). */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean stillLaunching(UUID stageRunId) {
    return stages.find(stageRunId).map(a -> a.status() == StageStatus.LAUNCHING).orElse(false);
  }

  /** Whether the attempt is still in flight. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean isActive(UUID stageRunId) {
    return stages.find(stageRunId).map(a -> a.status().isActive()).orElse(false);
  }

  /** The launch spec of a claimed attempt, for recovery relaunches. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Optional<LaunchSpec> launchSpec(UUID stageRunId) {
    StageRunRow attempt = stages.find(stageRunId).orElseThrow();
    RunRow run = runs.find(attempt.runId()).orElseThrow();
    PipelineSpec spec = specs.version(run.pipelineId(), run.pipelineVersion()).spec();
    try {
      return Optional.of(
          launchSpec(
              run,
              attempt,
              spec.stage(attempt.stageId()).orElseThrow(),
              null,
              runValues(run, spec)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * What every attempt of a run shares in its launch spec: the template values without the stage's
   * id, the run's parameters and their JSON. Worked out once per run in a batch of claims, not once
   * per attempt (a fan-out claims thousands of one run's attempts).
   */
  private record RunValues(Map<String, String> values, String parametersJson, Instant logical) {}

  private RunValues runValues(RunRow run, PipelineSpec spec) {
    Map<String, String> values = new HashMap<>();
    Instant logical = run.logicalDate() == null ? run.createdAt() : run.logicalDate();
    values.put("logical_date", DAY.format(logical.atZone(ZoneOffset.UTC)));
    values.put("logical_date_nodash", DAY_NODASH.format(logical.atZone(ZoneOffset.UTC)));
    values.put("run_id", run.id().toString());
    values.put("pipeline", run.pipelineName());
    values.put("team", run.teamName());
    Map<String, String> parameters = parameters(run, spec);
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      values.put("params." + p.getKey(), p.getValue());
    }
    return new RunValues(values, json(parameters), logical);
  }

  private LaunchSpec launchSpec(
      RunRow run,
      StageRunRow attempt,
      Stage stage,
      TaskEnvironment.Outputs outputs,
      RunValues shared) {
    Map<String, String> values = new HashMap<>(shared.values());
    values.put("stage_id", stage.id());
    Instant logical = shared.logical();
    List<String> command = new ArrayList<>();
    if (stage.type() == StageType.CONTAINER) {
      if (!stage.command().isEmpty()) {
        stage.command().forEach(c -> command.add(Templates.render(c, values)));
      } else {
        String image = stage.image() == null ? "" : stage.image().replaceFirst(":[^/:]*$", "");
        String shell = config.local().images().get(image);
        // Without a command, an ECS task runs the image's own; only a local one needs a mapping.
        if (shell == null && LOCAL.equals(launcher.name())) {
          throw new IllegalArgumentException(
              "no local command for image '"
                  + stage.image()
                  + "': set stevedore.orchestrator.local.images.\""
                  + image
                  + "\" or give the stage a command");
        }
        if (shell != null) {
          command.addAll(List.of(config.local().shell(), "-c", Templates.render(shell, values)));
        }
      }
    } else {
      command.addAll(config.local().workerCommand());
      command.add(stage.type().name().toLowerCase());
    }
    Map<String, String> env =
        new LinkedHashMap<>(
            LOCAL.equals(launcher.name()) ? config.local().env() : config.ecs().env());
    stage.env().forEach((k, v) -> env.put(k, Templates.render(v, values)));
    env.putAll(taskEnvironment.of(run.id(), stage, outputs));
    env.put("STEVEDORE_RUN_ID", run.id().toString());
    env.put("STEVEDORE_STAGE_ID", stage.id());
    env.put("STEVEDORE_STAGE_RUN_ID", attempt.id().toString());
    env.put("STEVEDORE_ATTEMPT", Integer.toString(attempt.attempt()));
    env.put("STEVEDORE_PIPELINE", run.pipelineName());
    env.put("STEVEDORE_PIPELINE_VERSION", Integer.toString(run.pipelineVersion()));
    env.put("STEVEDORE_TEAM", run.teamName());
    env.put("STEVEDORE_LOGICAL_DATE", values.get("logical_date"));
    env.put("STEVEDORE_LOGICAL_TIME", logical.toString());
    env.put("STEVEDORE_CPU", Integer.toString(stage.resources().cpu()));
    env.put("STEVEDORE_MEMORY", Integer.toString(stage.resources().memory()));
    env.put(
        "STEVEDORE_STAGE_SPEC",
        specs.version(run.pipelineId(), run.pipelineVersion()).stageJson(stage));
    env.put("STEVEDORE_PARAMS", shared.parametersJson());
    List<String> taskCommand = new ArrayList<>();
    if (stage.type() == StageType.CONTAINER) {
      stage.command().forEach(c -> taskCommand.add(Templates.render(c, values)));
    } else {
      taskCommand.add(stage.type().name().toLowerCase());
    }
    return new LaunchSpec(
        attempt.id(),
        command,
        env,
        stage.resources().cpu(),
        stage.resources().memory(),
        stage.type() == StageType.CONTAINER ? stage.image() : null,
        stage.type().name().toLowerCase(),
        taskCommand);
  }

  private Map<String, String> parameters(RunRow run, PipelineSpec spec) {
    Map<String, String> params = new LinkedHashMap<>();
    spec.parameters()
        .forEach(
            (name, p) -> {
              if (p.defaultValue() != null) {
                params.put(name, p.defaultValue());
              }
            });
    try {
      JsonNode given = mapper.readTree(run.parametersJson() == null ? "{}" : run.parametersJson());
      given.properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
    } catch (JsonProcessingException e) {
      LOG.warnf("run %s has unreadable parameters: %s", run.id(), e.getOriginalMessage());
    }
    return params;
  }

  private String json(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  private Duration timeout(RunRow run, String stageId) {
    Stage stage =
        specs.version(run.pipelineId(), run.pipelineVersion()).spec().stage(stageId).orElseThrow();
    return stage.timeout() == null ? config.defaultStageTimeout() : stage.timeout();
  }

  private static Resources resources(PipelineSpec spec, String stageId) {
    return spec.stage(stageId).map(Stage::resources).orElse(Resources.DEFAULT);
  }
}
