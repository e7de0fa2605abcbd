package io.stevedore.bench.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The fake ECS endpoint, spoken to with the real SDK (retries off, so every throttle is seen): its
 * buckets follow a clock moved by hand, so the rates are checked exactly.
 */
class FakeEcsTest {

  final AtomicLong now = new AtomicLong(1_000_000_000L);
  FakeEcs fake;
  EcsClient ecs;

  @BeforeEach
  void start() throws Exception {
    fake =
        new FakeEcs(
            FakeEcs.Limits.fargate().withTaskTiming(Duration.ofMillis(200), Duration.ofSeconds(1)),
            now::get);
    ecs =
        EcsClient.builder()
            .endpointOverride(fake.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
  }

  @AfterEach
  void stop() {
    ecs.close();
    fake.close();
  }

  void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  RunTaskResponse run(String token, String attempt) {
    return ecs.runTask(
        RunTaskRequest.builder()
            .cluster("stevedore")
            .taskDefinition("stevedore-etl-worker")
            .clientToken(token)
            .startedBy("stv-bench")
            .capacityProviderStrategy(s -> s.capacityProvider("FARGATE_SPOT"))
            .overrides(
                o ->
                    o.containerOverrides(
                        c ->
                            c.name("main")
                                .environment(
                                    KeyValuePair.builder()
                                        .name("STEVEDORE_STAGE_RUN_ID")
                                        .value(attempt)
                                        .build())))
            .build());
  }

  static void assertThrottled(Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            AwsServiceException.class,
            e -> {
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.isThrottlingException()).isTrue();
            });
  }

  @Test
  void launchesABurstOf100ThenTwentyPerSecond() {
    for (int i = 0; i < 100; i++) {
      assertThat(run("t" + i, "a" + i).tasks()).hasSize(1);
    }
    assertThrottled(() -> run("t100", "a100"));

    advance(Duration.ofSeconds(1));
    for (int i = 101; i < 121; i++) {
      assertThat(run("t" + i, "a" + i).tasks()).hasSize(1);
    }
    assertThrottled(() -> run("t121", "a121"));

    advance(Duration.ofMillis(500));
    for (int i = 122; i < 132; i++) {
      run("t" + i, "a" + i);
    }
    assertThrottled(() -> run("t132", "a132"));

    FakeEcs.Stats stats = fake.stats();
    assertThat(stats.launched()).isEqualTo(130);
    // The 101st call found the RunTask call bucket (also 100) empty before the launch bucket; the
    // later two had calls left (40/s) but no launches (20/s).
    assertThat(stats.launchThrottles()).isEqualTo(2);
    assertThat(stats.throttled().get(FakeEcs.Action.RunTask)).isEqualTo(3);
    assertThat(stats.startedTwice()).isZero();
  }

  @Test
  void throttlesRunTaskCallsBeyondTheirOwnBucketEvenWhenLaunchesRemain() {
    // A bucket of 100 RunTask calls at 40/s, and a launch bucket large enough not to matter.
    fake.close();
    try {
      fake =
          new FakeEcs(
              new FakeEcs.Limits(
                  10_000,
                  10_000,
                  100,
                  40,
                  100,
                  20,
                  100,
                  40,
                  Duration.ofMillis(200),
                  Duration.ofSeconds(1)),
              now::get);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    ecs =
        EcsClient.builder()
            .endpointOverride(fake.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
    for (int i = 0; i < 100; i++) {
      run("t" + i, "a" + i);
    }
    assertThrottled(() -> run("t100", "a100"));
    advance(Duration.ofSeconds(1));
    for (int i = 101; i < 141; i++) {
      run("t" + i, "a" + i);
    }
    assertThrottled(() -> run("t141", "a141"));
    assertThat(fake.stats().launchThrottles()).isZero();
    assertThat(fake.stats().throttled().get(FakeEcs.Action.RunTask)).isEqualTo(2);
  }

  @Test
  void aRepeatedClientTokenStartsNoSecondTaskAndCountsAsARetry() {
    for (int i = 0; i < 100; i++) {
      run("t" + i, "a" + i);
    }
    // Throttled first (launch bucket empty), then retried with the same token once it refilled.
    assertThrottled(() -> run("retry-me", "r"));
    advance(Duration.ofSeconds(1));
    Task first = run("retry-me", "r").tasks().get(0);
    Task again = run("retry-me", "r").tasks().get(0);
    assertThat(again.taskArn()).isEqualTo(first.taskArn());

    // A new token for the same attempt is what a launcher without idempotency would do.
    run("another-token", "r");

    FakeEcs.Stats stats = fake.stats();
    assertThat(stats.replays()).isEqualTo(1);
    assertThat(stats.throttledTokens()).isEqualTo(1);
    assertThat(stats.retriedTokens()).isEqualTo(1);
    assertThat(stats.startedTwice()).isEqualTo(1);
  }

  @Test
  void tasksRunThenStopAndCanBeStoppedListedAndDescribedWithinTheReadBucket() {
    List<String> events = new CopyOnWriteArrayList<>();
    fake.onEvent(events::add);
    String a = run("ta", "a").tasks().get(0).taskArn();
    String b = run("tb", "b").tasks().get(0).taskArn();
    assertThat(ecs.describeTasks(d -> d.cluster("stevedore").tasks(a)).tasks().get(0).lastStatus())
        .isEqualTo("PROVISIONING");

    advance(Duration.ofMillis(300));
    assertThat(ecs.describeTasks(d -> d.cluster("stevedore").tasks(a)).tasks().get(0).lastStatus())
        .isEqualTo("RUNNING");
    Task stopped = ecs.stopTask(s -> s.cluster("stevedore").task(b).reason("cancelled")).task();
    assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
    assertThat(stopped.stopCodeAsString()).isEqualTo("UserInitiated");
    assertThat(ecs.listTasks(l -> l.cluster("stevedore").startedBy("stv-bench")).taskArns())
        .containsExactly(a);

    advance(Duration.ofSeconds(1));
    Task ended = ecs.describeTasks(d -> d.cluster("stevedore").tasks(a, "missing")).tasks().get(0);
    assertThat(ended.lastStatus()).isEqualTo("STOPPED");
    assertThat(ended.stopCodeAsString()).isEqualTo("EssentialContainerExited");
    assertThat(ended.containers().get(0).exitCode()).isZero();
    assertThat(
            ecs.listTasks(
                    l ->
                        l.cluster("stevedore")
                            .startedBy("stv-bench")
                            .desiredStatus(DesiredStatus.STOPPED))
                .taskArns())
        .containsExactlyInAnyOrder(a, b);
    assertThat(events).anyMatch(e -> e.contains("\"ECS Task State Change\""));
    assertThat(events).anyMatch(e -> e.contains("\"lastStatus\":\"STOPPED\""));

    // DescribeTasks and ListTasks share one read bucket of 100 (20/s): two reads since the last
    // refill to full leave 98, then ListTasks finds it empty.
    for (int i = 0; i < 98; i++) {
      ecs.describeTasks(d -> d.cluster("stevedore").tasks(a));
    }
    assertThrottled(() -> ecs.listTasks(l -> l.cluster("stevedore")));
    assertThat(fake.stats().throttled().get(FakeEcs.Action.ListTasks)).isEqualTo(1);
  }
}
