package io.stevedore.orchestrator.launcher.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.common.spec.PipelineSpec.FailureClass;
import io.stevedore.orchestrator.domain.FailureClassifier;
import io.stevedore.orchestrator.domain.StopInfo;
import io.stevedore.orchestrator.launcher.LaunchException;
import io.stevedore.orchestrator.launcher.LaunchSpec;
import io.stevedore.orchestrator.launcher.Started;
import io.stevedore.orchestrator.store.LaunchIntent;
import io.stevedore.testing.AwsApiProxy;
import io.stevedore.testing.AwsApiProxy.Reply;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Throttling and capacity faults injected on the wire by {@link AwsApiProxy}, answered by the proxy
 * itself (no emulator behind it): what the launcher sends is read back from the recording.
 */
class EcsLauncherFaultTest {

  static final String ARN = "arn:aws:ecs:us-east-1:123456789012:task/stevedore-test/0123abcd";

  AwsApiProxy proxy;
  EcsLauncher launcher;

  @BeforeEach
  void setUp() {
    proxy = AwsApiProxy.start("http://127.0.0.1:9");
    launcher = EcsTestConfig.launcher(proxy.endpoint(), Map.of());
  }

  @AfterEach
  void tearDown() {
    proxy.close();
  }

  static Reply startedTask() {
    return new Reply(
        200,
        "{\"tasks\":[{\"taskArn\":\""
            + ARN
            + "\",\"lastStatus\":\"PROVISIONING\",\"desiredStatus\":\"RUNNING\","
            + "\"createdAt\":1.7645e9}],\"failures\":[]}");
  }

  static LaunchSpec spec(UUID attempt) {
    return new LaunchSpec(
        attempt,
        List.of(),
        Map.of("STEVEDORE_RUN_ID", "run-1", "STEVEDORE_STAGE_ID", "load", "STEVEDORE_TEAM", "data"),
        256,
        512,
        null,
        "load",
        List.of("load"));
  }

  LaunchIntent intent(UUID attempt) {
    return launcher.intent(attempt, UUID.randomUUID(), "load", 1, Instant.now(), null);
  }

  @Test
  void retriesThrottledRunTaskWithTheSameClientTokenOnTheWire() throws Exception {
    UUID attempt = UUID.randomUUID();
    proxy.inject(AwsApiProxy.times("RunTask", 3, b -> true, AwsApiProxy.throttling()));
    proxy.inject(AwsApiProxy.times("RunTask", 1, b -> true, startedTask()));

    Started started = launcher.launch(intent(attempt), spec(attempt));

    assertThat(started.taskRef()).isEqualTo(ARN);
    List<AwsApiProxy.Call> runs = proxy.calls("RunTask");
    assertThat(runs).hasSize(4);
    assertThat(runs)
        .allSatisfy(
            c -> {
              assertThat(c.body()).contains("\"clientToken\":\"stevedore-" + attempt + "\"");
              assertThat(c.body())
                  .contains("\"startedBy\":\"" + EcsLauncher.startedBy(attempt) + "\"");
            });
    assertThat(runs.get(0).status()).isEqualTo(400);
    assertThat(runs.get(3).status()).isEqualTo(200);
    assertThat(launcher.calls().retries()).isEqualTo(3);
    // the task's overrides, tags and Spot strategy are on the wire too
    String body = runs.get(3).body();
    assertThat(body).contains("\"capacityProvider\":\"FARGATE_SPOT\"");
    assertThat(body).contains("\"command\":[\"load\"]");
    assertThat(body).contains("{\"name\":\"STEVEDORE_TEAM\",\"value\":\"data\"}");
    assertThat(body).contains("{\"key\":\"stevedore:stage\",\"value\":\"load\"}");
    assertThat(body).contains("\"taskDefinition\":\"stevedore-etl-worker\"");
  }

  @Test
  void throttledBeyondTheLastAttemptFailsTheLaunchAsThrottled() {
    UUID attempt = UUID.randomUUID();
    proxy.inject(AwsApiProxy.times("RunTask", 100, b -> true, AwsApiProxy.throttling()));

    assertThatThrownBy(() -> launcher.launch(intent(attempt), spec(attempt)))
        .isInstanceOf(LaunchException.class)
        .satisfies(
            e ->
                assertThat(
                        FailureClassifier.classify(
                            new StopInfo("TaskFailedToStart", e.getMessage(), null, null, false)))
                    .contains(FailureClass.THROTTLED));
    assertThat(proxy.calls("RunTask")).hasSize(8); // max-call-attempts
  }

  @Test
  void spotFallsBackToOnDemandOnACapacityFailure() throws Exception {
    UUID attempt = UUID.randomUUID();
    proxy.inject(
        AwsApiProxy.times(
            "RunTask",
            1,
            b -> b.contains("FARGATE_SPOT"),
            AwsApiProxy.runTaskFailure(
                "Capacity is unavailable at this time. Please try again later or in a different"
                    + " availability zone")));
    proxy.inject(AwsApiProxy.times("RunTask", 1, b -> !b.contains("FARGATE_SPOT"), startedTask()));

    Started started = launcher.launch(intent(attempt), spec(attempt));

    assertThat(started.taskRef()).isEqualTo(ARN);
    List<AwsApiProxy.Call> runs = proxy.calls("RunTask");
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).body()).contains("\"capacityProvider\":\"FARGATE_SPOT\"");
    assertThat(runs.get(1).body())
        .contains("\"capacityProvider\":\"FARGATE\"")
        .contains("\"clientToken\":\"stevedore-" + attempt + "-1\"");
  }

  @Test
  void noCapacityOnAnyProviderFailsTheLaunchAsCapacity() {
    UUID attempt = UUID.randomUUID();
    proxy.inject(
        AwsApiProxy.times("RunTask", 2, b -> true, AwsApiProxy.runTaskFailure("RESOURCE:MEMORY")));

    assertThatThrownBy(() -> launcher.launch(intent(attempt), spec(attempt)))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("RESOURCE:MEMORY")
        .satisfies(
            e ->
                assertThat(
                        FailureClassifier.classify(
                            new StopInfo("TaskFailedToStart", e.getMessage(), null, null, false)))
                    .contains(FailureClass.CAPACITY));
    assertThat(proxy.calls("RunTask")).hasSize(2);
  }

  @Test
  void aNonCapacityFailureIsNotRetriedOnAnotherProvider() {
    UUID attempt = UUID.randomUUID();
    proxy.inject(
        AwsApiProxy.times("RunTask", 1, b -> true, AwsApiProxy.runTaskFailure("ATTRIBUTE")));

    assertThatThrownBy(() -> launcher.launch(intent(attempt), spec(attempt)))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("ATTRIBUTE");
    assertThat(proxy.calls("RunTask")).hasSize(1);
  }

  @Test
  void refusesAContainerImageWithoutATaskDefinition() {
    UUID attempt = UUID.randomUUID();
    LaunchSpec spec =
        new LaunchSpec(
            attempt, List.of(), Map.of(), 256, 512, "acme/job:1.2", "container", List.of());

    assertThatThrownBy(() -> launcher.launch(intent(attempt), spec))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("stevedore.orchestrator.ecs.task-definitions.\"acme/job\"");
    assertThat(proxy.calls()).isEmpty();
  }

  @Test
  void startedByAndClientTokenFitEcsLimitsAndMapBackToTheAttempt() {
    UUID attempt = UUID.randomUUID();
    assertThat(EcsLauncher.startedBy(attempt)).hasSize(36).matches("[A-Za-z0-9_/-]+");
    assertThat(EcsLauncher.clientToken(attempt).length()).isLessThanOrEqualTo(64);
    assertThat(EcsLauncher.attemptOf(EcsLauncher.startedBy(attempt))).contains(attempt);
    assertThat(EcsLauncher.attemptOf("ecs-svc/123")).isEqualTo(Optional.empty());
  }
}
