package io.stevedore.orchestrator.launcher;

import io.stevedore.orchestrator.domain.StopInfo;
import io.stevedore.orchestrator.store.LaunchIntent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * A launcher whose tasks do nothing: each ends at once with exit code 0, reported through the
 * {@link #onEnd} listeners on a launcher thread, as a real task's end would be. It starts no
 * process and calls no API, so the orchestrator's own cost per stage (claims, state changes, run
 * events) can be measured alone ({@code bench/DispatchBench}). Selected with {@code
 * stevedore.orchestrator.launcher=noop}; never for real pipelines.
 *
 * <p>{@link #launch} answers a task ({@code noop:<attempt>}, no pid), so the dispatcher records the
 * attempt RUNNING and then adopts it; the end follows on a launcher thread. After a restart, an
 * intent the launcher confirmed is {@link Probe.Ended} (its task ended at once) and one it never
 * confirmed is {@link Probe.NeverStarted}. Thread-safe.
 */
@ApplicationScoped
@Typed(NoopLauncher.class) // injected as Launcher through Launchers, which picks by configuration
public class NoopLauncher implements Launcher {

  private static final Logger LOG = Logger.getLogger(NoopLauncher.class);

  /** How a no-op task ends: the essential container exited with 0. */
  static final StopInfo EXITED_0 =
      new StopInfo(
          "EssentialContainerExited", "Essential container in task exited", 0, null, false);

  private final List<Consumer<TaskEnd>> listeners = new CopyOnWriteArrayList<>();
  private final Set<UUID> watching = ConcurrentHashMap.newKeySet();
  private final ExecutorService ends =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "noop-launcher-end");
            t.setDaemon(true);
            return t;
          });

  @PreDestroy
  void close() {
    ends.shutdownNow();
  }

  @Override
  public String name() {
    return "NOOP";
  }

  @Override
  public LaunchIntent intent(
      UUID stageRunId, UUID runId, String stageId, int attempt, Instant now, Instant deadline) {
    return new LaunchIntent(
        stageRunId,
        name(),
        stageRunId.toString(),
        "stv" + runId.toString().replace("-", ""),
        now,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        deadline,
        null);
  }

  @Override
  public void onEnd(Consumer<TaskEnd> listener) {
    listeners.add(listener);
  }

  @Override
  public Started launch(LaunchIntent intent, LaunchSpec spec) {
    return new Started(taskRef(intent), null, null);
  }

  @Override
  public Probe probe(LaunchIntent intent) {
    // A confirmed no-op task ended the moment it was watched; an unconfirmed one never ran.
    return intent.taskRef() != null ? new Probe.Ended() : new Probe.NeverStarted();
  }

  @Override
  public void adopt(LaunchIntent intent, Started task) {
    UUID id = intent.stageRunId();
    if (!watching.add(id)) {
      return;
    }
    try {
      ends.execute(() -> report(id));
    } catch (RejectedExecutionException e) {
      // Shutting down: the reconciler of the next start finds the intent ended (probe).
      watching.remove(id);
    }
  }

  @Override
  public boolean isWatching(LaunchIntent intent) {
    return watching.contains(intent.stageRunId());
  }

  @Override
  public StopInfo stopInfo(LaunchIntent intent) {
    return EXITED_0;
  }

  @Override
  public void stop(LaunchIntent intent) {
    // Nothing runs: a no-op task has already ended or ends on its own at once.
  }

  private void report(UUID stageRunId) {
    TaskEnd end = new TaskEnd(stageRunId, EXITED_0);
    try {
      for (Consumer<TaskEnd> listener : listeners) {
        listener.accept(end);
      }
    } catch (RuntimeException e) {
      LOG.errorf(
          e, "could not record the end of stage attempt %s; the reconciler retries", stageRunId);
    } finally {
      watching.remove(stageRunId);
    }
  }

  private static String taskRef(LaunchIntent intent) {
    return "noop:" + intent.stageRunId();
  }
}
