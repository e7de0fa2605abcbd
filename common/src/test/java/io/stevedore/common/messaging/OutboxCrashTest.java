package io.stevedore.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A process commits outbox rows and is killed with SIGKILL before it publishes anything; the relay
 * of this (still running, or restarted) application publishes each committed row exactly once and
 * never the rows of the transaction the dead process left open.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class OutboxCrashTest {

  private static final int COUNT = 25;

  @Inject SqsQueues queues;
  @Inject TestQueues test;

  @Test
  void sendsRowsCommittedByKilledProcessExactlyOnce() throws Exception {
    String queue = TestQueues.uniqueQueue("crash");
    String url = queues.url(queue);
    Path dir = Files.createTempDirectory("outbox-crash-");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                OutboxWriterMain.class.getName(),
                PostgresResource.jdbcUrl(),
                PostgresResource.USER,
                PostgresResource.PASSWORD,
                queue,
                Integer.toString(COUNT),
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(dir.resolve("uncommitted.txt")) || !child.isAlive());
      assertThat(child.isAlive())
          .as("writer alive (log: %s)", log(dir.resolve("child.log").toFile()))
          .isTrue();
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no chance to publish or commit
      child.waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(child.exitValue()).isEqualTo(137);
    List<String> committed = Files.readAllLines(dir.resolve("committed.txt"));
    List<String> uncommitted = Files.readAllLines(dir.resolve("uncommitted.txt"));
    assertThat(committed).hasSize(COUNT);

    List<Message> received = new ArrayList<>();
    received.addAll(
        test.receiveUntil(
            url,
            got -> got.stream().map(TestQueues::id).distinct().count() >= COUNT,
            Duration.ofSeconds(20)));
    // nothing more arrives: no duplicate, no row of the open transaction
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              received.addAll(test.receiveOnce(url));
              return true;
            });

    Map<String, Integer> times = new HashMap<>();
    received.forEach(m -> times.merge(TestQueues.id(m), 1, Integer::sum));
    assertThat(times.keySet()).containsExactlyInAnyOrderElementsOf(committed);
    assertThat(times.values()).allMatch(n -> n == 1);
    assertThat(times.keySet()).doesNotContainAnyElementsOf(uncommitted);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> test.count("select count(*) from jobs.outbox where queue = ?", queue) == 0);
  }

  private static String log(File file) {
    try {
      return Files.readString(file.toPath());
    } catch (Exception e) {
      return e.toString();
    }
  }
}
