package io.stevedore.scheduler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock the tests set and advance; replaces the default system clock in the test app. */
@ApplicationScoped
public class TestClock {

  /** The one settable clock of the test JVM. */
  public static final Settable CLOCK = new Settable();

  @Produces
  @ApplicationScoped
  Clock clock() {
    return CLOCK;
  }

  /** A clock whose instant the test sets. */
  public static final class Settable extends Clock {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

    public void set(Instant instant) {
      now.set(instant);
    }

    public void advance(Duration by) {
      now.updateAndGet(i -> i.plus(by));
    }

    public void reset() {
      now.set(Instant.now());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }
}
