package io.stevedore.orchestrator.launcher.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.common.spec.PipelineSpec.FailureClass;
import io.stevedore.common.spec.PipelineSpec.RetryPolicy;
import io.stevedore.orchestrator.domain.FailureClassifier;
import io.stevedore.orchestrator.domain.RetryDecision;
import io.stevedore.orchestrator.domain.StopInfo;
import io.stevedore.orchestrator.launcher.Launcher.Probe;
import io.stevedore.orchestrator.store.LaunchIntent;
import io.stevedore.testing.AwsApiProxy;
import io.stevedore.testing.AwsApiProxy.Reply;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The failure class and retry decision of every kind of stop, from DescribeTasks answers shaped as
 * ECS returns them, read by the launcher's own code path: the SDK parses the answer served on the
 * wire, the launcher turns the task into a {@link StopInfo}, the classifier and the stage's retry
 * policy (3 attempts, default {@code retryOn}) decide.
 */
class EcsStopPayloadTest {

  static final String ARN = "arn:aws:ecs:us-east-1:123456789012:task/stevedore/5f0e6b2b9c7d4a55";
  static final RetryPolicy THREE_ATTEMPTS = new RetryPolicy(3, null, null, null);

  static AwsApiProxy proxy;
  static EcsLauncher launcher;

  @BeforeAll
  static void start() {
    proxy = AwsApiProxy.start("http://127.0.0.1:9");
    launcher = EcsTestConfig.launcher(proxy.endpoint(), Map.of());
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  /** A DescribeTasks answer with one STOPPED task. */
  static String stopped(String stopCode, String stoppedReason, String containers) {
    return "{\"failures\":[],\"tasks\":[{\"taskArn\":\""
        + ARN
        + "\",\"clusterArn\":\"arn:aws:ecs:us-east-1:123456789012:cluster/stevedore\","
        + "\"lastStatus\":\"STOPPED\",\"desiredStatus\":\"STOPPED\",\"launchType\":\"FARGATE\","
        + "\"capacityProviderName\":\"FARGATE_SPOT\",\"cpu\":\"256\",\"memory\":\"512\","
        + "\"createdAt\":1.7645436E9,\"stoppingAt\":1.7645437E9,\"stoppedAt\":1.7645438E9,"
        + "\"startedBy\":\"stv-0123456789abcdef0123456789abcdef\","
        + (stopCode == null ? "" : "\"stopCode\":\"" + stopCode + "\",")
        + "\"stoppedReason\":\""
        + stoppedReason
        + "\",\"containers\":["
        + containers
        + "]}]}";
  }

  static String main(Integer exit, String reason) {
    return "{\"containerArn\":\"arn:aws:ecs:us-east-1:123456789012:container/stevedore/5f0e/1a2b\","
        + "\"name\":\"main\",\"image\":\"123456789012.dkr.ecr.us-east-1.amazonaws.com/etl-worker:1\","
        + "\"lastStatus\":\"STOPPED\""
        + (exit == null ? "" : ",\"exitCode\":" + exit)
        + (reason == null ? "" : ",\"reason\":\"" + reason + "\"")
        + "}";
  }

  static Stream<Arguments> stops() {
    return Stream.of(
        Arguments.of(
            "exit 0",
            stopped(
                "EssentialContainerExited", "Essential container in task exited", main(0, null)),
            null,
            false),
        Arguments.of(
            "EssentialContainerExited with exit 1",
            stopped(
                "EssentialContainerExited", "Essential container in task exited", main(1, null)),
            FailureClass.USER_ERROR,
            false),
        Arguments.of(
            "OutOfMemoryError, exit 137",
            stopped(
                "EssentialContainerExited",
                "Essential container in task exited",
                main(137, "OutOfMemoryError: Container killed due to memory usage")),
            FailureClass.OUT_OF_MEMORY,
            false),
        Arguments.of(
            "CannotPullContainerError",
            stopped(
                "TaskFailedToStart",
                "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed"
                    + " to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/etl-worker:9:"
                    + " not found",
                main(null, null)),
            FailureClass.IMAGE_PULL,
            false),
        Arguments.of(
            "ResourceInitializationError",
            stopped(
                "TaskFailedToStart",
                "ResourceInitializationError: unable to pull secrets or registry auth: execution"
                    + " resource retrieval failed: unable to retrieve secret from asm: service call"
                    + " has been retried 1 time(s)",
                main(null, null)),
            FailureClass.PLATFORM,
            true),
        Arguments.of(
            "Spot interruption",
            stopped("SpotInterruption", "Your Spot Task was interrupted.", main(143, null)),
            FailureClass.SPOT_INTERRUPTED,
            true),
        Arguments.of(
            "TaskFailedToStart, network interface",
            stopped(
                "TaskFailedToStart",
                "Timeout waiting for network interface provisioning to complete.",
                main(null, null)),
            FailureClass.PLATFORM,
            true),
        Arguments.of(
            "TaskFailedToStart, RESOURCE:MEMORY",
            stopped("TaskFailedToStart", "RESOURCE:MEMORY", main(null, null)),
            FailureClass.CAPACITY,
            true),
        Arguments.of(
            "ServiceSchedulerInitiated",
            stopped(
                "ServiceSchedulerInitiated",
                "Scaling activity initiated by (deployment ecs-svc/4432154342342)",
                main(143, null)),
            FailureClass.PLATFORM,
            true),
        Arguments.of(
            "UserInitiated by someone else",
            stopped("UserInitiated", "Task stopped by user", main(143, null)),
            FailureClass.PLATFORM,
            true),
        Arguments.of(
            "command not in the image",
            stopped(
                "TaskFailedToStart",
                "Essential container in task exited",
                main(
                    null,
                    "CannotStartContainerError: ResourceInitializationError: failed to create new"
                        + " container runtime task: failed to create shim task: OCI runtime create"
                        + " failed: runc create failed: unable to start container process: exec:"
                        + " \\\"etl\\\": executable file not found in $PATH: unknown")),
            FailureClass.USER_ERROR,
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stops")
  void classifiesDescribedStopAndDecidesRetry(
      String name, String describeTasks, FailureClass expected, boolean retried) {
    proxy.reset();
    proxy.inject(AwsApiProxy.times("DescribeTasks", 1, b -> true, new Reply(200, describeTasks)));
    UUID attempt = UUID.randomUUID();
    LaunchIntent intent =
        new LaunchIntent(
            attempt,
            "ECS",
            EcsLauncher.clientToken(attempt),
            EcsLauncher.startedBy(attempt),
            Instant.now(),
            ARN,
            Instant.now(),
            null,
            null,
            null,
            null,
            null,
            null,
            null);

    Probe probe = launcher.probeAll(List.of(intent)).get(attempt);

    assertThat(probe).isInstanceOf(Probe.Ended.class);
    StopInfo stop = ((Probe.Ended) probe).stop();
    assertThat(FailureClassifier.classify(stop))
        .as(stop.describe())
        .isEqualTo(Optional.ofNullable(expected));
    if (expected != null) {
      RetryDecision decision = RetryDecision.decide(THREE_ATTEMPTS, expected, 1, () -> 0.5);
      assertThat(decision.retry()).as(decision.why()).isEqualTo(retried);
    }
    assertThat(proxy.calls("DescribeTasks").get(0).body()).contains(ARN);
  }

  @Test
  void aTimeoutIsClassedTimeoutAndNotRetried() {
    // The orchestrator decides a timeout itself (RunEngine.timeOut) before it stops the task.
    StopInfo timedOut =
        new StopInfo("UserInitiated", "exceeded its timeout of PT30M", null, null, true);
    assertThat(FailureClassifier.classify(timedOut)).contains(FailureClass.TIMEOUT);
    assertThat(RetryDecision.decide(THREE_ATTEMPTS, FailureClass.TIMEOUT, 1, () -> 0.5).retry())
        .isFalse();
  }
}
