package io.stevedore.orchestrator.launcher.ecs;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.stevedore.orchestrator.config.OrchestratorConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Every ECS call goes through here: a token bucket keeps it under ECS's documented rate for its
 * kind (RunTask: the task launch bucket; DescribeTasks, ListTasks, StopTask: the task read and
 * modify buckets), blocking the caller until a token is free, and a call that is throttled anyway
 * ({@code ThrottlingException}, "Rate exceeded": the account's buckets are shared with every other
 * client) or fails in transit is retried with exponential backoff and full jitter. RunTask is safe
 * to retry because it carries the attempt's client token. Thread-safe.
 */
public final class EcsCalls {

  /** Which bucket a call takes its token from. */
  public enum Kind {
    /** RunTask. */
    LAUNCH,
    /** DescribeTasks, ListTasks, StopTask. */
    API
  }

  private static final Logger LOG = Logger.getLogger(EcsCalls.class);

  private final Bucket launch;
  private final Bucket api;
  private final int maxAttempts;
  private final Duration backoff;
  private final Duration maxBackoff;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();

  public EcsCalls(OrchestratorConfig.Ecs config) {
    this(
        config.runTaskBurst(),
        config.runTaskRate(),
        config.apiBurst(),
        config.apiRate(),
        config.maxCallAttempts(),
        config.callBackoff(),
        config.maxCallBackoff());
  }

  public EcsCalls(
      int launchBurst,
      int launchRate,
      int apiBurst,
      int apiRate,
      int maxAttempts,
      Duration backoff,
      Duration maxBackoff) {
    this.launch = bucket(launchBurst, launchRate);
    this.api = bucket(apiBurst, apiRate);
    this.maxAttempts = Math.max(1, maxAttempts);
    this.backoff = backoff;
    this.maxBackoff = maxBackoff;
  }

  private static Bucket bucket(int burst, int perSecond) {
    return Bucket.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(burst)
                .refillGreedy(perSecond, Duration.ofSeconds(1))
                .build())
        .build();
  }

  /** Calls {@code call} within the rate of {@code kind}, retrying throttled and failed calls. */
  public <T> T call(String operation, Kind kind, Supplier<T> call) {
    Bucket bucket = kind == Kind.LAUNCH ? launch : api;
    for (int attempt = 1; ; attempt++) {
      try {
        bucket.asBlocking().consume(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw SdkClientException.create("interrupted while waiting to call ECS " + operation, e);
      }
      calls.incrementAndGet();
      try {
        return call.get();
      } catch (AwsServiceException | SdkClientException e) {
        if (!retryable(e) || attempt >= maxAttempts) {
          throw e;
        }
        long ceiling =
            Math.min(maxBackoff.toMillis(), backoff.toMillis() << Math.min(attempt - 1, 20));
        long sleep = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
        retries.incrementAndGet();
        LOG.debugf(
            "ECS %s attempt %d failed (%s); retrying in %d ms",
            operation, attempt, e.getMessage(), sleep);
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Calls made (attempts included). */
  public long calls() {
    return calls.get();
  }

  /** Calls retried after throttling or a failure in transit. */
  public long retries() {
    return retries.get();
  }

  /** Throttling, a server error or a failure in transit: worth another attempt. */
  static boolean retryable(RuntimeException e) {
    if (e instanceof AwsServiceException service) {
      if (service.isThrottlingException() || service.statusCode() >= 500) {
        return true;
      }
      String code =
          service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      String text = (code + " " + service.getMessage()).toLowerCase(Locale.ROOT);
      return text.contains("throttl")
          || text.contains("rate exceeded")
          || text.contains("requestlimitexceeded");
    }
    return e instanceof SdkClientException;
  }
}
