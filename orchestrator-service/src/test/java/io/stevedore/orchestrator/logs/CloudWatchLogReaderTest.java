package io.stevedore.orchestrator.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.testing.Moto;
import io.stevedore.testing.RequiresMoto;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

/** The CloudWatch Logs reader against moto's logs API (JSON protocol, as the SDK 2.57 speaks). */
@RequiresMoto
class CloudWatchLogReaderTest {

  static final String TASK = "arn:aws:ecs:us-east-1:123456789012:task/stevedore/0a1b2c3d4e5f";

  CloudWatchLogsClient client;
  String group;
  String stream;

  @BeforeEach
  void setUp() {
    client =
        CloudWatchLogsClient.builder()
            .endpointOverride(URI.create(Moto.endpoint()))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build();
    group = "/stevedore/stages-" + UUID.randomUUID().toString().substring(0, 8);
    stream = CloudWatchLogReader.streamOf("stevedore", "stage", TASK);
    client.createLogGroup(r -> r.logGroupName(group));
    client.createLogStream(r -> r.logGroupName(group).logStreamName(stream));
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  void put(int from, int to) {
    long start = System.currentTimeMillis() - 60_000;
    List<InputLogEvent> events =
        IntStream.rangeClosed(from, to)
            .mapToObj(
                i -> InputLogEvent.builder().timestamp(start + i).message("line " + i).build())
            .toList();
    client.putLogEvents(r -> r.logGroupName(group).logStreamName(stream).logEvents(events));
  }

  @Test
  void namesTheAwslogsStreamOfATask() {
    assertThat(stream).isEqualTo("stevedore/stage/0a1b2c3d4e5f");
  }

  @Test
  void pagesForwardWithNextForwardTokenUntilItStopsMoving() {
    put(1, 250);
    CloudWatchLogReader reader =
        new CloudWatchLogReader(client, group, CloudWatchLogReader.bucket(100, 100));

    CloudWatchLogReader.Page first = reader.page(stream, null, 100);
    assertThat(first.lines()).hasSize(100).startsWith("line 1").endsWith("line 100");
    CloudWatchLogReader.Page second = reader.page(stream, first.nextForwardToken(), 100);
    assertThat(second.lines()).hasSize(100).startsWith("line 101");

    CloudWatchLogReader.Page all = reader.readFrom(stream, null);
    assertThat(all.lines()).hasSize(250).startsWith("line 1").endsWith("line 250");

    // Following: nothing new, then the lines added later, from the token where it stopped.
    assertThat(reader.readFrom(stream, all.nextForwardToken()).lines()).isEmpty();
    put(251, 260);
    assertThat(reader.readFrom(stream, all.nextForwardToken()).lines())
        .containsExactlyElementsOf(
            IntStream.rangeClosed(251, 260).mapToObj(i -> "line " + i).toList());
  }

  @Test
  void tailsTheLastLinesInOrder() {
    put(1, 120);
    CloudWatchLogReader reader =
        new CloudWatchLogReader(client, group, CloudWatchLogReader.bucket(100, 100));

    List<String> tail = reader.tail(stream, 50).lines();
    List<String> expected = new ArrayList<>();
    IntStream.rangeClosed(71, 120).forEach(i -> expected.add("line " + i));
    assertThat(tail).containsExactlyElementsOf(expected);
  }

  @Test
  void readsAMissingStreamAsEmpty() {
    CloudWatchLogReader reader =
        new CloudWatchLogReader(client, group, CloudWatchLogReader.bucket(100, 100));
    assertThat(reader.tail("stevedore/stage/nope", 10).lines()).isEmpty();
    assertThat(reader.readFrom("stevedore/stage/nope", null).lines()).isEmpty();
  }

  @Test
  void staysUnderItsRateWithATokenBucket() {
    put(1, 5);
    // 4 calls a second, 1 at once: 9 calls take at least 2 seconds.
    CloudWatchLogReader reader =
        new CloudWatchLogReader(client, group, CloudWatchLogReader.bucket(4, 1));
    long start = System.nanoTime();
    String token = null;
    for (int i = 0; i < 9; i++) {
      token = reader.page(stream, i % 2 == 0 ? null : token, 2).nextForwardToken();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
  }
}
