package io.stevedore.worker.stream;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a stop request instead of the JVM's immediate exit, so the stream
 * loop ends between batches and the process exits 0 (ECS stops a task with SIGTERM).
 */
final class StopSignals {

  private StopSignals() {}

  static void install(AtomicBoolean stopping) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), s -> stopping.set(true));
      } catch (IllegalArgumentException e) {
        // the signal cannot be handled on this platform: the JVM's default stays
      }
    }
  }
}
