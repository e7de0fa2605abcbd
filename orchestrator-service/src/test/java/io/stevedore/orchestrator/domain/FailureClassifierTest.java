package io.stevedore.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.common.spec.PipelineSpec.FailureClass;
import io.stevedore.common.spec.PipelineSpec.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every failure class from stop payloads shaped as ECS sends them (DescribeTasks {@code tasks[]},
 * RunTask {@code failures[]}, SDK exceptions), with the retry decision under a policy of 3 attempts
 * and the default {@code retryOn}.
 */
class FailureClassifierTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final RetryPolicy THREE_ATTEMPTS = new RetryPolicy(3, null, null, null);

  static Stream<Arguments> stops() {
    return Stream.of(
        Arguments.of(
            "essential container exited 0",
            """
            {"lastStatus":"STOPPED","desiredStatus":"STOPPED","stopCode":"EssentialContainerExited",
             "stoppedReason":"Essential container in task exited",
             "containers":[{"name":"stage","lastStatus":"STOPPED","exitCode":0}]}
            """,
            null,
            false),
        Arguments.of(
            "user code exited 1",
            """
            {"lastStatus":"STOPPED","stopCode":"EssentialContainerExited",
             "stoppedReason":"Essential container in task exited",
             "containers":[{"name":"stage","lastStatus":"STOPPED","exitCode":1}]}
            """,
            FailureClass.USER_ERROR,
            false),
        Arguments.of(
            "out of memory",
            """
            {"lastStatus":"STOPPED","stopCode":"EssentialContainerExited",
             "stoppedReason":"Essential container in task exited",
             "containers":[{"name":"stage","lastStatus":"STOPPED","exitCode":137,
               "reason":"OutOfMemoryError: Container killed due to memory usage"}]}
            """,
            FailureClass.OUT_OF_MEMORY,
            false),
        Arguments.of(
            "exit 137 without a reason",
            """
            {"stopCode":"EssentialContainerExited","stoppedReason":"Essential container in task exited",
             "containers":[{"name":"stage","exitCode":137}]}
            """,
            FailureClass.OUT_OF_MEMORY,
            false),
        Arguments.of(
            "image not found in ECR",
            """
            {"lastStatus":"STOPPED","stopCode":"TaskFailedToStart",
             "stoppedReason":"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/etl-worker:missing: 123456789012.dkr.ecr.us-east-1.amazonaws.com/etl-worker:missing: not found",
             "containers":[{"name":"stage","lastStatus":"STOPPED",
               "reason":"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref"}]}
            """,
            FailureClass.IMAGE_PULL,
            false),
        Arguments.of(
            "Docker Hub pull rate limit",
            """
            {"stopCode":"TaskFailedToStart",
             "stoppedReason":"CannotPullContainerError: inspect image has been retried 5 time(s): httpReaderSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/busybox/manifests/sha256:1b7: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.",
             "containers":[{"name":"stage","lastStatus":"STOPPED"}]}
            """,
            FailureClass.THROTTLED,
            true),
        Arguments.of(
            "RunTask failure RESOURCE:MEMORY",
            """
            {"failures":[{"arn":"arn:aws:ecs:us-east-1:123456789012:container-instance/prod/4f0a","reason":"RESOURCE:MEMORY"}]}
            """,
            FailureClass.CAPACITY,
            true),
        Arguments.of(
            "RunTask failure RESOURCE:CPU",
            """
            {"failures":[{"arn":"arn:aws:ecs:us-east-1:123456789012:container-instance/prod/4f0a","reason":"RESOURCE:CPU"}]}
            """,
            FailureClass.CAPACITY,
            true),
        Arguments.of(
            "Fargate capacity unavailable",
            """
            {"lastStatus":"STOPPED","stopCode":"TaskFailedToStart",
             "stoppedReason":"Capacity is unavailable at this time. Please try again later or in a different availability zone",
             "containers":[{"name":"stage","lastStatus":"STOPPED"}]}
            """,
            FailureClass.CAPACITY,
            true),
        Arguments.of(
            "Fargate Spot interruption",
            """
            {"lastStatus":"STOPPED","stopCode":"SpotInterruption",
             "stoppedReason":"Your Spot Task was interrupted.",
             "containers":[{"name":"stage","lastStatus":"STOPPED","exitCode":143}]}
            """,
            FailureClass.SPOT_INTERRUPTED,
            true),
        Arguments.of(
            "RunTask throttled",
            """
            {"exception":"ThrottlingException: Rate exceeded (Service: Ecs, Status Code: 400, Request ID: 5c1e)"}
            """,
            FailureClass.THROTTLED,
            true),
        Arguments.of(
            "secrets could not be fetched",
            """
            {"lastStatus":"STOPPED","stopCode":"TaskFailedToStart",
             "stoppedReason":"ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed",
             "containers":[{"name":"stage","lastStatus":"STOPPED"}]}
            """,
            FailureClass.PLATFORM,
            true),
        Arguments.of(
            "network interface timeout",
            """
            {"stopCode":"TaskFailedToStart",
             "stoppedReason":"Timeout waiting for network interface provisioning to complete.",
             "containers":[{"name":"stage","lastStatus":"STOPPED"}]}
            """,
            FailureClass.PLATFORM,
            true),
        Arguments.of(
            "command missing from the image",
            """
            {"stopCode":"TaskFailedToStart","stoppedReason":"Essential container in task exited",
             "containers":[{"name":"stage","lastStatus":"STOPPED",
               "reason":"CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \\"etl\\": executable file not found in $PATH: unknown"}]}
            """,
            FailureClass.USER_ERROR,
            false),
        Arguments.of(
            "stopped by the orchestrator for its timeout",
            """
            {"stopCode":"UserInitiated","stoppedReason":"exceeded its timeout of PT30M",
             "containers":[{"name":"stage","exitCode":137}],"timedOut":true}
            """,
            FailureClass.TIMEOUT,
            false),
        Arguments.of(
            "local process killed before writing its exit code",
            """
            {"stopCode":"EssentialContainerExited",
             "stoppedReason":"the stage process ended without writing its exit code (killed by a signal?)",
             "containers":[{"name":"stage"}]}
            """,
            FailureClass.PLATFORM,
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stops")
  void classifiesStopAndDecidesRetry(
      String name, String payload, FailureClass expected, boolean retried) throws Exception {
    StopInfo stop = fromEcs(JSON.readTree(payload));

    assertThat(FailureClassifier.classify(stop)).isEqualTo(Optional.ofNullable(expected));
    if (expected != null) {
      RetryDecision decision = RetryDecision.decide(THREE_ATTEMPTS, expected, 1, () -> 0.5);
      assertThat(decision.retry()).as(decision.why()).isEqualTo(retried);
    }
  }

  @Test
  void classifiesTheOrchestratorsOwnStops() {
    assertThat(
            FailureClassifier.classify(
                new StopInfo("StevedoreSecurityRefused", "image x refused", null, null, false)))
        .contains(FailureClass.USER_ERROR);
    assertThat(
            FailureClassifier.classify(
                new StopInfo(
                    "StevedoreSecurityGateUnavailable",
                    "no verdict: agent down",
                    null,
                    null,
                    false)))
        .contains(FailureClass.PLATFORM);
    assertThat(
            FailureClassifier.classify(
                new StopInfo("StevedoreValidationFailed", "validation FAIL", null, null, false)))
        .contains(FailureClass.USER_ERROR);
    assertThat(
            FailureClassifier.classify(
                new StopInfo("StevedoreValidationPassed", "validation PASS", 0, null, false)))
        .isEmpty();
  }

  @Test
  void retriesUserErrorOnlyWhenTheStageSaysSo() {
    RetryPolicy userErrors = new RetryPolicy(2, null, null, List.of(FailureClass.USER_ERROR));
    assertThat(RetryDecision.decide(userErrors, FailureClass.USER_ERROR, 1, () -> 0).retry())
        .isTrue();
    assertThat(RetryDecision.decide(userErrors, FailureClass.USER_ERROR, 2, () -> 0).retry())
        .isFalse();
    assertThat(RetryDecision.decide(THREE_ATTEMPTS, FailureClass.USER_ERROR, 1, () -> 0).retry())
        .isFalse();
  }

  @Test
  void backsOffExponentiallyWithJitterBetweenHalfAndAllOfTheDelay() {
    RetryPolicy policy =
        new RetryPolicy(5, null, Duration.ofSeconds(10), List.of(FailureClass.CAPACITY));
    assertThat(RetryDecision.decide(policy, FailureClass.CAPACITY, 1, () -> 0).delay())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(RetryDecision.decide(policy, FailureClass.CAPACITY, 1, () -> 0.999999).delay())
        .isBetween(Duration.ofMillis(9990), Duration.ofSeconds(10));
    assertThat(RetryDecision.decide(policy, FailureClass.CAPACITY, 3, () -> 0).delay())
        .isEqualTo(Duration.ofSeconds(20));
    assertThat(RetryDecision.decide(policy, FailureClass.CAPACITY, 3, () -> 0.5).delay())
        .isEqualTo(Duration.ofSeconds(30));
  }

  /**
   * Maps a DescribeTasks task (or RunTask failure, or SDK exception) to what the classifier reads.
   */
  static StopInfo fromEcs(JsonNode task) {
    if (task.has("failures")) {
      return new StopInfo(
          null, task.get("failures").get(0).get("reason").asText(), null, null, false);
    }
    if (task.has("exception")) {
      return new StopInfo(null, task.get("exception").asText(), null, null, false);
    }
    JsonNode container = task.path("containers").path(0);
    return new StopInfo(
        task.path("stopCode").asText(null),
        task.path("stoppedReason").asText(null),
        container.has("exitCode") ? container.get("exitCode").asInt() : null,
        container.path("reason").asText(null),
        task.path("timedOut").asBoolean(false));
  }
}
