package io.stevedore.bench.ecs;

import java.util.function.LongSupplier;

/**
 * A token bucket as ECS applies it: {@code capacity} tokens at most (the burst), refilled
 * continuously at {@code perSecond} (the sustained rate). Thread-safe; time comes from a nano-time
 * source so checks can drive it by hand.
 */
public final class TokenBucket {

  private final double capacity;
  private final double perNano;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  public TokenBucket(int capacity, double perSecond, LongSupplier nanoTime) {
    this.capacity = capacity;
    this.perNano = perSecond / 1e9;
    this.nanoTime = nanoTime;
    this.tokens = capacity;
    this.last = nanoTime.getAsLong();
  }

  /** Takes {@code n} tokens if all are there; takes none otherwise. */
  public synchronized boolean tryTake(int n) {
    refill();
    if (tokens + 1e-9 >= n) {
      tokens -= n;
      return true;
    }
    return false;
  }

  /** Tokens now (for reports). */
  public synchronized double available() {
    refill();
    return tokens;
  }

  private void refill() {
    long now = nanoTime.getAsLong();
    if (now > last) {
      tokens = Math.min(capacity, tokens + (now - last) * perNano);
      last = now;
    }
  }
}
