package io.stevedore.orchestrator.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Wakes the dispatcher early when something it may act on changed. */
@ApplicationScoped
public class Wakeup {

  private final Semaphore signal = new Semaphore(0);

  public void wake() {
    if (signal.availablePermits() == 0) {
      signal.release();
    }
  }

  /** Waits until woken or {@code max} passed. */
  void await(Duration max) throws InterruptedException {
    signal.tryAcquire(max.toMillis(), TimeUnit.MILLISECONDS);
    signal.drainPermits();
  }
}
