package io.stevedore.orchestrator.service;

import io.stevedore.orchestrator.launcher.TaskEnd;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Task ends waiting to be recorded, and the threads that record them in batches: each takes what
 * has queued up (up to {@code maxBatch}) and records it with {@link RunEngine#completeAll} in one
 * transaction, so a burst of ends costs a few commits instead of one each. A batch that fails (a
 * deadlock with another transaction, say) is recorded again one end at a time.
 *
 * <p>Nothing is lost when the process dies with ends still queued: their launch intents are still
 * open, and the dispatcher's reconciler finds the tasks ended (exit files locally, {@code
 * DescribeTasks} on ECS) and records them, at start-up first.
 */
final class Completions {

  private static final Logger LOG = Logger.getLogger(Completions.class);

  private final RunEngine engine;
  private final Wakeup wakeup;
  private final int maxBatch;
  private final LinkedBlockingQueue<TaskEnd> queue = new LinkedBlockingQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  Completions(RunEngine engine, Wakeup wakeup, int maxBatch) {
    this.engine = engine;
    this.wakeup = wakeup;
    this.maxBatch = Math.max(1, maxBatch);
  }

  void start(int threadCount) {
    running = true;
    for (int i = 0; i < Math.max(1, threadCount); i++) {
      Thread t = new Thread(this::loop, "orchestrator-complete-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  /** Queues an end; recorded soon by a completion thread. */
  void submit(TaskEnd end) {
    queue.add(end);
  }

  /** Stops taking new batches once what is queued has been recorded (or the wait ran out). */
  void stop(Duration wait) throws InterruptedException {
    running = false;
    long deadline = System.nanoTime() + wait.toNanos();
    for (Thread t : threads) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      t.join(Math.max(1, left));
    }
  }

  private void loop() {
    while (running || !queue.isEmpty()) {
      TaskEnd first;
      try {
        first = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (first == null) {
        continue;
      }
      List<TaskEnd> batch = new ArrayList<>();
      batch.add(first);
      queue.drainTo(batch, maxBatch - 1);
      record(batch);
      wakeup.wake();
    }
  }

  private void record(List<TaskEnd> batch) {
    try {
      engine.completeAll(batch);
      return;
    } catch (RuntimeException e) {
      if (batch.size() == 1) {
        LOG.errorf(
            e,
            "could not record the end of stage attempt %s; the reconciler retries",
            batch.get(0).stageRunId());
        return;
      }
      LOG.warnf(
          "recording %d task ends together failed (%s); recording them one by one",
          batch.size(), e.toString());
    }
    for (TaskEnd end : batch) {
      try {
        engine.complete(end.stageRunId(), end.stop());
      } catch (RuntimeException e) {
        LOG.errorf(
            e,
            "could not record the end of stage attempt %s; the reconciler retries",
            end.stageRunId());
      }
    }
  }
}
