package io.stevedore.orchestrator.launcher;

import io.stevedore.orchestrator.config.OrchestratorConfig;
import io.stevedore.orchestrator.domain.StopInfo;
import io.stevedore.orchestrator.store.LaunchIntent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Runs each stage attempt as a child process on this machine.
 *
 * <p>The command runs inside a small {@code sh} wrapper that
 *
 * <ol>
 *   <li>creates the attempt's {@code .started} file exclusively ({@code set -C}) and writes its pid
 *       into it: a second start of the same attempt finds the file and exits 86 without running the
 *       command, so an attempt runs at most once whatever happens to the orchestrator;
 *   <li>runs the command with stdout and stderr appended to {@code <attempt>.log};
 *   <li>writes the command's exit code to {@code <attempt>.exit} (atomically, through a rename).
 * </ol>
 *
 * The process is started with stdin from {@code /dev/null} and its output in files, so it outlives
 * the orchestrator's JVM. After a restart, {@link #probe} finds it by the pid and process start
 * time in the intent (or in the {@code .started} file, if the orchestrator died before recording
 * them): alive, it is adopted and watched; gone, its exit file says how it ended.
 */
@ApplicationScoped
@Typed(LocalLauncher.class) // injected as Launcher through Launchers, which picks by configuration
public class LocalLauncher implements Launcher {

  /** The wrapper's exit code when the attempt had already been started once. */
  public static final int ALREADY_STARTED = 86;

  public static final String WRAPPER =
      "set -C\n"
          + "if ! { echo $$ > \"$STEVEDORE_STARTED_FILE\"; } 2>/dev/null; then\n"
          + "  echo \"stevedore: this attempt was already started once; not starting it again\" >&2\n"
          + "  exit "
          + ALREADY_STARTED
          + "\n"
          + "fi\n"
          + "set +C\n"
          + "\"$@\"\n"
          + "code=$?\n"
          + "echo \"$code\" > \"$STEVEDORE_EXIT_FILE.tmp\" && mv -f \"$STEVEDORE_EXIT_FILE.tmp\""
          + " \"$STEVEDORE_EXIT_FILE\"\n"
          + "exit $code\n";

  private static final Logger LOG = Logger.getLogger(LocalLauncher.class);

  /** What {@link #launch} returns for an attempt whose process already ran and is gone. */
  static final Started GONE = new Started("local:gone", null, null, true);

  /** Start times read twice from /proc may differ by rounding; a reused pid differs by far more. */
  private static final Duration START_TOLERANCE = Duration.ofMillis(1500);

  private final OrchestratorConfig config;
  private final List<Consumer<TaskEnd>> listeners = new CopyOnWriteArrayList<>();
  private final Set<UUID> watching = ConcurrentHashMap.newKeySet();
  private final ExecutorService callbacks =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "local-launcher-exit");
            t.setDaemon(true);
            return t;
          });

  LocalLauncher(OrchestratorConfig config) {
    this.config = config;
  }

  @PreDestroy
  void close() {
    callbacks.shutdownNow();
  }

  @Override
  public String name() {
    return "LOCAL";
  }

  @Override
  public LaunchIntent intent(
      UUID stageRunId, UUID runId, String stageId, int attempt, Instant now, Instant deadline) {
    Path dir = Path.of(config.local().logsDir()).toAbsolutePath().resolve(runId.toString());
    Path stageDir = dir.resolve(stageId);
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
        stageDir.resolve(attempt + ".log").toString(),
        stageDir.resolve(attempt + ".started").toString(),
        stageDir.resolve(attempt + ".exit").toString(),
        deadline,
        null);
  }

  @Override
  public void onEnd(Consumer<TaskEnd> listener) {
    listeners.add(listener);
  }

  @Override
  public Started launch(LaunchIntent intent, LaunchSpec spec) throws LaunchException {
    Probe probe = probe(intent);
    if (probe instanceof Probe.Alive alive) {
      // Started before (the orchestrator died before recording it): adopt, never start again.
      return alive.task();
    }
    if (probe instanceof Probe.Ended) {
      return GONE;
    }
    List<String> command = new ArrayList<>();
    command.add(config.local().shell());
    command.add("-c");
    command.add(WRAPPER);
    command.add("stevedore-stage");
    command.addAll(spec.command());
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.putAll(spec.environment());
    env.put("STEVEDORE_STARTED_FILE", intent.startedFile());
    env.put("STEVEDORE_EXIT_FILE", intent.exitFile());
    File log = new File(intent.logFile());
    try {
      Files.createDirectories(log.toPath().getParent());
    } catch (IOException e) {
      throw new LaunchException(
          "cannot create the log directory " + log.getParent() + ": " + e.getMessage(), e);
    }
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log));
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new LaunchException("cannot start " + spec.command() + ": " + e.getMessage(), e);
    }
    // Wait until the wrapper has claimed the attempt (its pid in the .started file), so the pid
    // recorded is always the one that runs the command.
    Optional<Long> owner = readLong(intent.startedFile());
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (owner.isEmpty() && process.isAlive() && System.nanoTime() < until) {
      try {
        process.waitFor(10, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      owner = readLong(intent.startedFile());
    }
    if (owner.isPresent() && owner.get() != process.pid()) {
      // Another wrapper had already started this attempt: this one exits without running it.
      LOG.warnf(
          "stage attempt %s was already started by process %d; adopting it",
          intent.stageRunId(), owner.get());
      Optional<ProcessHandle> running = ours(owner.get(), null);
      if (running.isPresent()) {
        Instant s = running.get().info().startInstant().orElse(null);
        return new Started(taskRef(owner.get(), s), owner.get(), s);
      }
      return GONE;
    }
    Instant startedAt = process.info().startInstant().orElse(null);
    return new Started(taskRef(process.pid(), startedAt), process.pid(), startedAt);
  }

  @Override
  public Probe probe(LaunchIntent intent) {
    Long pid = intent.pid();
    Instant start = intent.processStartedAt();
    if (pid == null) {
      Optional<Long> fromFile = readLong(intent.startedFile());
      if (fromFile.isPresent()) {
        pid = fromFile.get();
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        // The wrapper wrote its pid before anything else: if that pid runs now and started no
        // later than the file was written, it is the wrapper.
        Instant fileTime = modified(intent.startedFile());
        if (handle.isPresent()
            && handle.get().isAlive()
            && handle.get().info().startInstant().isPresent()
            && fileTime != null
            && !handle.get().info().startInstant().get().isAfter(fileTime.plus(START_TOLERANCE))
            && !handle
                .get()
                .info()
                .startInstant()
                .get()
                .isBefore(intent.requestedAt().minus(START_TOLERANCE))) {
          Instant s = handle.get().info().startInstant().get();
          return new Probe.Alive(new Started(taskRef(pid, s), pid, s));
        }
        return new Probe.Ended();
      }
      return Files.exists(Path.of(intent.exitFile()))
          ? new Probe.Ended()
          : new Probe.NeverStarted();
    }
    Optional<ProcessHandle> handle = ours(pid, start);
    if (handle.isPresent()) {
      return new Probe.Alive(new Started(taskRef(pid, start), pid, start));
    }
    return new Probe.Ended();
  }

  @Override
  public void adopt(LaunchIntent intent, Started task) {
    Optional<ProcessHandle> handle = ours(task.pid(), task.startedAt());
    if (handle.isEmpty()) {
      watching.add(intent.stageRunId());
      report(intent);
      return;
    }
    LOG.infof("adopted stage attempt %s: process %d still runs", intent.stageRunId(), task.pid());
    watch(intent, handle.get());
  }

  @Override
  public boolean isWatching(LaunchIntent intent) {
    return watching.contains(intent.stageRunId());
  }

  @Override
  public StopInfo stopInfo(LaunchIntent intent) {
    Optional<Long> exit = readLong(intent.exitFile());
    if (exit.isPresent()) {
      int code = exit.get().intValue();
      String container =
          code == 137 ? "OutOfMemoryError: killed (exit 137, SIGKILL: out of memory?)" : null;
      return new StopInfo(
          "EssentialContainerExited", "Essential container in task exited", code, container, false);
    }
    return new StopInfo(
        "EssentialContainerExited",
        "the stage process ended without writing its exit code (killed by a signal?)",
        null,
        null,
        false);
  }

  @Override
  public void stop(LaunchIntent intent) {
    Long pid = intent.pid();
    Instant start = intent.processStartedAt();
    if (pid == null) {
      Probe probe = probe(intent);
      if (!(probe instanceof Probe.Alive alive)) {
        return;
      }
      pid = alive.task().pid();
      start = alive.task().startedAt();
    }
    ours(pid, start)
        .ifPresent(
            handle -> {
              List<ProcessHandle> tree = handle.descendants().toList();
              handle.destroyForcibly();
              tree.forEach(ProcessHandle::destroyForcibly);
              LOG.infof(
                  "stopped stage attempt %s: process %d and %d descendant(s)",
                  intent.stageRunId(), handle.pid(), tree.size());
            });
  }

  /** The process, if it still runs and is the one that started at {@code start}. */
  static Optional<ProcessHandle> ours(Long pid, Instant start) {
    if (pid == null) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            h -> {
              Optional<Instant> actual = h.info().startInstant();
              return start == null
                  || actual.isEmpty()
                  || Duration.between(start, actual.get()).abs().compareTo(START_TOLERANCE) <= 0;
            });
  }

  private void watch(LaunchIntent intent, ProcessHandle handle) {
    if (!watching.add(intent.stageRunId())) {
      return;
    }
    handle.onExit().thenRunAsync(() -> report(intent), callbacks);
  }

  private void report(LaunchIntent intent) {
    TaskEnd end = new TaskEnd(intent.stageRunId(), stopInfo(intent));
    try {
      for (Consumer<TaskEnd> listener : listeners) {
        listener.accept(end);
      }
    } catch (RuntimeException e) {
      LOG.errorf(
          e,
          "could not record the end of stage attempt %s; the reconciler retries",
          intent.stageRunId());
    } finally {
      watching.remove(intent.stageRunId());
    }
  }

  private static String taskRef(long pid, Instant start) {
    return "local:" + pid + "@" + (start == null ? "?" : String.valueOf(start.toEpochMilli()));
  }

  private static Optional<Long> readLong(String file) {
    try {
      String text = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
      return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Instant modified(String file) {
    try {
      return Files.getLastModifiedTime(Path.of(file)).toInstant();
    } catch (IOException e) {
      return null;
    }
  }
}
