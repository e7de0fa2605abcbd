package io.stevedore.orchestrator.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.stevedore.common.store.SchemaMigrator;
import io.stevedore.orchestrator.config.OrchestratorConfig;
import io.stevedore.orchestrator.domain.StopInfo;
import io.stevedore.orchestrator.gate.Gatekeeper;
import io.stevedore.orchestrator.launcher.LaunchException;
import io.stevedore.orchestrator.launcher.LaunchSpec;
import io.stevedore.orchestrator.launcher.Launcher;
import io.stevedore.orchestrator.launcher.Started;
import io.stevedore.orchestrator.store.LaunchIntent;
import io.stevedore.orchestrator.store.LaunchIntentStore;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * The orchestrator's loop, on one thread: admit queued runs, time out overdue attempts, claim due
 * attempts in batches and launch them, and reconcile the launcher's tasks with the database (at
 * start-up first: tasks that outlived a restart are adopted, never launched again).
 */
@ApplicationScoped
public class Dispatcher {

  private static final Logger LOG = Logger.getLogger(Dispatcher.class);
  private static final Duration HOUSEKEEPING = Duration.ofMillis(100);

  private final RunEngine engine;
  private final Launcher launcher;
  private final LaunchIntentStore intents;
  private final OrchestratorConfig config;
  private final Wakeup wakeup;
  private final Clock clock;
  private final Watchdog watchdog;
  private final Gatekeeper gatekeeper;
  private volatile boolean running;
  private Thread thread;
  private Instant lastReconcile = Instant.EPOCH;
  private volatile ExecutorService launchPool;
  private volatile Completions completions;

  /** Attempts claimed by completions, to be launched by this loop. */
  private final ConcurrentLinkedQueue<List<RunEngine.Claim>> handedOff =
      new ConcurrentLinkedQueue<>();

  private Instant lastHousekeeping = Instant.EPOCH;

  Dispatcher(
      RunEngine engine,
      Launcher launcher,
      LaunchIntentStore intents,
      OrchestratorConfig config,
      Wakeup wakeup,
      Clock clock,
      Watchdog watchdog,
      Gatekeeper gatekeeper) {
    this.engine = engine;
    this.launcher = launcher;
    this.intents = intents;
    this.config = config;
    this.wakeup = wakeup;
    this.clock = clock;
    this.watchdog = watchdog;
    this.gatekeeper = gatekeeper;
  }

  void onStart(@Observes @Priority(SchemaMigrator.PRIORITY + 20) StartupEvent event) {
    if (config.dispatcher().enabled()) {
      completions = new Completions(engine, wakeup, config.dispatcher().completionBatchSize());
      completions.start(config.dispatcher().completionThreads());
    }
    launcher.onEnd(
        end -> {
          Completions queue = completions;
          if (queue != null) {
            queue.submit(end);
          } else {
            // Tests that drive the engine by hand see each end recorded before it returns.
            engine.complete(end.stageRunId(), end.stop());
            wakeup.wake();
          }
        });
    launcher.onStatus(
        status -> engine.taskStatus(status.stageRunId(), status.status(), status.at()));
    if (!config.dispatcher().enabled()) {
      return;
    }
    int threads =
        config
            .dispatcher()
            .launchThreads()
            .orElse(config.launcher() == OrchestratorConfig.Launcher.ECS ? 8 : 1);
    if (threads > 1) {
      launchPool =
          Executors.newFixedThreadPool(
              threads,
              r -> {
                Thread t = new Thread(r, "orchestrator-launch");
                t.setDaemon(true);
                return t;
              });
    }
    if (config.launcher() != OrchestratorConfig.Launcher.LOCAL) {
      // The local launcher's capacity is shared out by this loop's claims alone.
      engine.handOffTo(
          claims -> {
            handedOff.add(claims);
            wakeup.wake();
          });
    }
    running = true;
    thread = new Thread(this::loop, "orchestrator-dispatcher");
    thread.setDaemon(true);
    thread.start();
  }

  void onStop(@Observes ShutdownEvent event) throws InterruptedException {
    running = false;
    if (thread != null) {
      wakeup.wake();
      thread.join(Duration.ofSeconds(10).toMillis());
    }
    if (launchPool != null) {
      launchPool.shutdownNow();
    }
    if (completions != null) {
      completions.stop(Duration.ofSeconds(5));
    }
  }

  private void loop() {
    while (running) {
      boolean skipped = false;
      try {
        skipped = !pass(false);
      } catch (RuntimeException e) {
        LOG.error("dispatcher pass failed; trying again", e);
      }
      try {
        Duration poll = config.dispatcher().pollInterval();
        // Housekeeping that was put off is done within HOUSEKEEPING even if nothing wakes the loop.
        wakeup.await(skipped && HOUSEKEEPING.compareTo(poll) < 0 ? HOUSEKEEPING : poll);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One pass of the loop (public for tests that drive it by hand). */
  public void pass() {
    pass(true);
  }

  /**
   * One pass; the housekeeping (admitting queued runs, timing out overdue attempts, the watchdog)
   * only when {@code housekeeping} or when it was last done HOUSEKEEPING ago. Whether it was done.
   */
  private boolean pass(boolean housekeeping) {
    launchHandedOff();
    Instant now = clock.instant();
    if (Duration.between(lastReconcile, now).compareTo(config.reconcileInterval()) >= 0) {
      reconcile();
      lastReconcile = now;
    }
    // Woken by every batch of task ends, the loop looks for queued runs and overdue attempts at
    // most every HOUSEKEEPING (run ends admit queued runs themselves, in their transaction).
    boolean due =
        housekeeping || Duration.between(lastHousekeeping, now).compareTo(HOUSEKEEPING) >= 0;
    if (due) {
      engine.admitQueued();
      for (LaunchIntent overdue : intents.overdue(now)) {
        engine.timeOut(overdue.stageRunId());
      }
      watchdog.checkIfDue(now);
      lastHousekeeping = now;
    }
    int batchSize = engine.claimBatchSize();
    List<RunEngine.Claim> claims;
    do {
      claims = engine.claim(batchSize);
      launchAll(claims);
      launchHandedOff();
    } while (claims.size() == batchSize && running);
    return due;
  }

  /**
   * Launches the attempts that completions and admissions claimed, a dispatch batch at a time (each
   * hand-off holds at most one batch, but several may have queued up meanwhile).
   */
  private void launchHandedOff() {
    List<RunEngine.Claim> claims = new ArrayList<>();
    for (List<RunEngine.Claim> some; (some = handedOff.poll()) != null; ) {
      claims.addAll(some);
    }
    int batch = engine.claimBatchSize();
    for (int from = 0; from < claims.size(); from += batch) {
      launchAll(claims.subList(from, Math.min(claims.size(), from + batch)));
    }
  }

  /**
   * Launches a claimed batch: one read finds the attempts still LAUNCHING (not cancelled since the
   * claim), the gate is asked about each image, the tasks are started (on the launch threads when
   * there are several), and all that started are recorded RUNNING in one transaction before they
   * are watched.
   */
  private void launchAll(List<RunEngine.Claim> claims) {
    if (claims.isEmpty()) {
      return;
    }
    List<RunEngine.Claim> launchable = new ArrayList<>();
    for (RunEngine.Claim claim : claims) {
      if (claim.spec() == null) {
        engine.complete(
            claim.intent().stageRunId(),
            new StopInfo("TaskFailedToStart", claim.error(), null, null, false));
      } else {
        launchable.add(claim);
      }
    }
    if (launchable.isEmpty()) {
      return;
    }
    Set<UUID> still =
        engine.stillLaunchingAll(launchable.stream().map(c -> c.intent().stageRunId()).toList());
    List<RunEngine.Claim> toStart = new ArrayList<>();
    for (RunEngine.Claim claim : launchable) {
      if (!still.contains(claim.intent().stageRunId())) {
        continue; // cancelled meanwhile
      }
      if (gatekeeper.enabled() && claim.subject() != null) {
        Optional<StopInfo> refused = gatekeeper.check(claim.subject());
        if (refused.isPresent()) {
          engine.complete(claim.intent().stageRunId(), refused.get());
          continue;
        }
      }
      toStart.add(claim);
    }
    if (launchPool != null && toStart.size() > 1) {
      startAndRecordEach(toStart);
      return;
    }
    List<Optional<Started>> started = startAll(toStart);
    List<RunEngine.Launched> launched = new ArrayList<>();
    List<RunEngine.Claim> running = new ArrayList<>();
    for (int i = 0; i < toStart.size(); i++) {
      if (started.get(i).isPresent()) {
        launched.add(
            new RunEngine.Launched(toStart.get(i).intent().stageRunId(), started.get(i).get()));
        running.add(toStart.get(i));
      }
    }
    Set<UUID> refused = engine.launchedAll(launched);
    for (int i = 0; i < running.size(); i++) {
      LaunchIntent intent = running.get(i).intent();
      Started task = launched.get(i).task();
      LaunchIntent recorded = recorded(intent, task);
      if (refused.contains(intent.stageRunId())) {
        // Cancelled while it was being started: stop what was just started.
        launcher.stop(recorded);
        engine.complete(intent.stageRunId(), launcher.stopInfo(intent));
        continue;
      }
      // Watched only once RUNNING is recorded, so its end always comes after its start.
      launcher.adopt(recorded, task);
    }
  }

  /** Starts the claims' tasks one after another; empty where the task did not start. */
  private List<Optional<Started>> startAll(List<RunEngine.Claim> claims) {
    List<Optional<Started>> started = new ArrayList<>();
    for (RunEngine.Claim claim : claims) {
      started.add(start(claim));
    }
    return started;
  }

  /**
   * On the launch threads (ECS): each task is recorded RUNNING as soon as it has started, not with
   * its batch. A paced launcher takes seconds for a batch, and an ECS task's end arrives on its own
   * (an EventBridge event), so a short task could otherwise end before its start is recorded.
   */
  private void startAndRecordEach(List<RunEngine.Claim> claims) {
    List<Future<?>> launches = new ArrayList<>();
    for (RunEngine.Claim claim : claims) {
      launches.add(
          launchPool.submit(() -> start(claim).ifPresent(task -> record(claim.intent(), task))));
    }
    for (Future<?> launch : launches) {
      try {
        launch.get();
      } catch (ExecutionException e) {
        LOG.error("launching a stage attempt failed; the reconciler retries it", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Records one started task RUNNING and watches it, or stops it if it was cancelled meanwhile. */
  private void record(LaunchIntent intent, Started started) {
    LaunchIntent recorded = recorded(intent, started);
    if (!engine.launched(intent.stageRunId(), started)) {
      // Cancelled while it was being started: stop what was just started.
      launcher.stop(recorded);
      engine.complete(intent.stageRunId(), launcher.stopInfo(intent));
      return;
    }
    launcher.adopt(recorded, started);
  }

  private Optional<Started> start(RunEngine.Claim claim) {
    LaunchIntent intent = claim.intent();
    Started started;
    try {
      started = launcher.launch(intent, claim.spec());
    } catch (LaunchException e) {
      engine.complete(
          intent.stageRunId(),
          new StopInfo("TaskFailedToStart", e.getMessage(), null, null, false));
      return Optional.empty();
    }
    if (started.gone()) {
      engine.complete(intent.stageRunId(), launcher.stopInfo(intent));
      return Optional.empty();
    }
    return Optional.of(started);
  }

  private static LaunchIntent recorded(LaunchIntent intent, Started started) {
    return new LaunchIntent(
        intent.stageRunId(),
        intent.launcher(),
        intent.clientToken(),
        intent.startedBy(),
        intent.requestedAt(),
        started.taskRef(),
        null,
        started.pid(),
        started.startedAt(),
        intent.logFile(),
        intent.startedFile(),
        intent.exitFile(),
        intent.deadlineAt(),
        null);
  }

  private void launch(LaunchIntent intent, LaunchSpec spec, String error) {
    if (spec == null) {
      engine.complete(
          intent.stageRunId(), new StopInfo("TaskFailedToStart", error, null, null, false));
      return;
    }
    if (!engine.stillLaunching(intent.stageRunId())) {
      return;
    }
    if (gatekeeper.enabled()) {
      Optional<StopInfo> refused =
          engine.gateSubject(intent.stageRunId()).flatMap(gatekeeper::check);
      if (refused.isPresent()) {
        engine.complete(intent.stageRunId(), refused.get());
        return;
      }
    }
    Started started;
    try {
      started = launcher.launch(intent, spec);
    } catch (LaunchException e) {
      engine.complete(
          intent.stageRunId(),
          new StopInfo("TaskFailedToStart", e.getMessage(), null, null, false));
      return;
    }
    if (started.gone()) {
      engine.complete(intent.stageRunId(), launcher.stopInfo(intent));
      return;
    }
    // Watched only once RUNNING is recorded, so its end always comes after its start.
    record(intent, started);
  }

  /**
   * Compares every open launch intent with what the launcher sees: a task that runs is watched
   * (adopted after a restart), one that is gone is completed from its recorded exit, and one that
   * never started is launched (the local wrapper refuses to run an attempt twice).
   */
  public void reconcile() {
    Instant now = clock.instant();
    List<LaunchIntent> open =
        intents.open(launcher.name()).stream().filter(i -> !launcher.isWatching(i)).toList();
    Map<UUID, Launcher.Probe> probes = launcher.probeAll(open);
    for (LaunchIntent intent : open) {
      Launcher.Probe probe = probes.get(intent.stageRunId());
      if (probe == null) {
        continue; // not probed this time (the launcher could not ask)
      }
      if (probe instanceof Launcher.Probe.Alive alive) {
        if (!engine.isActive(intent.stageRunId())) {
          // Ended in the database (cancelled, timed out, given up) while its task outlived a crash
          // or a stop that did not take. Stopped again; its intent is closed once a later probe,
          // the task's own end report or its task event sees it gone (an ECS task takes a while
          // to stop, and a StopTask can fail).
          LOG.infof(
              "stopping the task of stage attempt %s: the attempt has ended", intent.stageRunId());
          launcher.stop(intent);
          continue;
        }
        if (intent.confirmedAt() == null) {
          engine.launched(intent.stageRunId(), alive.task());
        }
        launcher.adopt(intent, alive.task());
      } else if (probe instanceof Launcher.Probe.Ended ended) {
        engine.complete(
            intent.stageRunId(), ended.stop() != null ? ended.stop() : launcher.stopInfo(intent));
      } else if (Duration.between(intent.requestedAt(), now).compareTo(config.local().startGrace())
          >= 0) {
        if (!engine.stillLaunching(intent.stageRunId())) {
          engine.complete(intent.stageRunId(), launcher.stopInfo(intent));
          continue;
        }
        Optional<LaunchSpec> spec = engine.launchSpec(intent.stageRunId());
        LOG.infof("launching stage attempt %s again: it never started", intent.stageRunId());
        launch(intent, spec.orElse(null), "no local command for the stage");
      }
    }
  }
}
