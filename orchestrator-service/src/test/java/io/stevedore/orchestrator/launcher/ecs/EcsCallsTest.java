package io.stevedore.orchestrator.launcher.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;

/** Token buckets and retries of {@link EcsCalls}, with calls that count themselves. */
class EcsCallsTest {

  static AwsServiceException throttled() {
    return AwsServiceException.builder()
        .statusCode(400)
        .message("Rate exceeded")
        .awsErrorDetails(
            AwsErrorDetails.builder()
                .errorCode("ThrottlingException")
                .errorMessage("Rate exceeded")
                .build())
        .build();
  }

  @Test
  void keepsCallsUnderTheSustainedRateOnceTheBurstIsSpent() {
    // burst 10, 20 per second: 50 calls need at least (50 - 10) / 20 = 2 s
    EcsCalls calls = new EcsCalls(10, 20, 100, 20, 3, Duration.ofMillis(1), Duration.ofMillis(10));
    long start = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      calls.call("RunTask", EcsCalls.Kind.LAUNCH, () -> "ok");
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isBetween(Duration.ofMillis(1900), Duration.ofMillis(4000));
    assertThat(calls.calls()).isEqualTo(50);
  }

  @Test
  void launchAndApiCallsHaveBucketsOfTheirOwn() {
    EcsCalls calls = new EcsCalls(1, 1, 100, 100, 3, Duration.ofMillis(1), Duration.ofMillis(10));
    calls.call("RunTask", EcsCalls.Kind.LAUNCH, () -> "ok");
    long start = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      calls.call("DescribeTasks", EcsCalls.Kind.API, () -> "ok");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
  }

  @Test
  void retriesAThrottledCallWithGrowingBackoff() {
    EcsCalls calls =
        new EcsCalls(100, 100, 100, 100, 5, Duration.ofMillis(40), Duration.ofSeconds(1));
    AtomicInteger attempts = new AtomicInteger();
    long start = System.nanoTime();
    String result =
        calls.call(
            "RunTask",
            EcsCalls.Kind.LAUNCH,
            () -> {
              if (attempts.incrementAndGet() <= 3) {
                throw throttled();
              }
              return "started";
            });
    assertThat(result).isEqualTo("started");
    assertThat(attempts.get()).isEqualTo(4);
    assertThat(calls.retries()).isEqualTo(3);
    // backoffs at least half of 40 + 80 + 160 ms
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(140));
  }

  @Test
  void givesUpAfterTheLastAttemptAndNeverRetriesAClientError() {
    EcsCalls calls =
        new EcsCalls(100, 100, 100, 100, 3, Duration.ofMillis(1), Duration.ofMillis(5));
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(
            () ->
                calls.call(
                    "DescribeTasks",
                    EcsCalls.Kind.API,
                    () -> {
                      attempts.incrementAndGet();
                      throw throttled();
                    }))
        .hasMessageContaining("Rate exceeded");
    assertThat(attempts.get()).isEqualTo(3);

    AtomicInteger invalid = new AtomicInteger();
    assertThatThrownBy(
            () ->
                calls.call(
                    "RunTask",
                    EcsCalls.Kind.LAUNCH,
                    () -> {
                      invalid.incrementAndGet();
                      throw InvalidParameterException.builder()
                          .statusCode(400)
                          .message("Task definition does not exist")
                          .build();
                    }))
        .isInstanceOf(InvalidParameterException.class);
    assertThat(invalid.get()).isEqualTo(1);
  }
}
