package io.stevedore.orchestrator.logs;

import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ThrottlingException;

/**
 * Reads an ECS attempt's log from CloudWatch Logs (the awslogs driver writes one stream per task:
 * {@code <prefix>/<container>/<task id>}). Every {@code GetLogEvents} call first takes a token from
 * a bucket, so all readers of this orchestrator together stay under the configured rate; a call
 * throttled anyway is retried with exponential backoff and jitter. Pages forward with {@code
 * nextForwardToken}: the end is reached when the token comes back unchanged.
 */
public class CloudWatchLogReader {

  /** Lines read and the token to continue from (also at the end: follow polls with it). */
  public record Page(List<String> lines, String nextForwardToken) {}

  static final int MAX_THROTTLE_RETRIES = 5;
  static final int PAGE_LIMIT = 10_000;

  private final CloudWatchLogsClient client;
  private final String group;
  private final Bucket bucket;

  public CloudWatchLogReader(CloudWatchLogsClient client, String group, Bucket bucket) {
    this.client = client;
    this.group = group;
    this.bucket = bucket;
  }

  /** A token bucket of {@code perSecond} calls a second, {@code burst} at once. */
  public static Bucket bucket(int perSecond, int burst) {
    return Bucket.builder()
        .addLimit(
            limit ->
                limit.capacity(Math.max(1, burst)).refillGreedy(perSecond, Duration.ofSeconds(1)))
        .build();
  }

  /** The awslogs stream of an ECS task: {@code <prefix>/<container>/<task id>}. */
  public static String streamOf(String prefix, String container, String taskArn) {
    String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
    return prefix + "/" + container + "/" + taskId;
  }

  /**
   * One page forward from {@code token} (null: from the start of the stream), at most {@code limit}
   * events. A stream that does not exist yet reads as empty.
   */
  public Page page(String stream, String token, int limit) {
    GetLogEventsResponse response;
    try {
      response =
          call(
              () ->
                  client.getLogEvents(
                      r ->
                          r.logGroupName(group)
                              .logStreamName(stream)
                              .startFromHead(true)
                              .limit(Math.min(limit, PAGE_LIMIT))
                              .nextToken(token)));
    } catch (ResourceNotFoundException e) {
      return new Page(List.of(), token);
    }
    List<String> lines = new ArrayList<>();
    for (OutputLogEvent event : response.events()) {
      lines.add(event.message());
    }
    return new Page(lines, response.nextForwardToken());
  }

  /** Everything from {@code token} on, paging until the token stops moving. */
  public Page readFrom(String stream, String token) {
    List<String> lines = new ArrayList<>();
    String current = token;
    while (true) {
      Page page = page(stream, current, PAGE_LIMIT);
      lines.addAll(page.lines());
      boolean end =
          page.nextForwardToken() == null
              || page.nextForwardToken().equals(current)
              || page.lines().isEmpty();
      current = page.nextForwardToken() == null ? current : page.nextForwardToken();
      if (end) {
        return new Page(lines, current);
      }
    }
  }

  /** The last {@code lines} lines of the stream, and the token to follow it from. */
  public Page tail(String stream, int lines) {
    GetLogEventsResponse response;
    try {
      response =
          call(
              () ->
                  client.getLogEvents(
                      r ->
                          r.logGroupName(group)
                              .logStreamName(stream)
                              .startFromHead(false)
                              .limit(Math.max(1, Math.min(lines, PAGE_LIMIT)))));
    } catch (ResourceNotFoundException e) {
      return new Page(List.of(), null);
    }
    List<String> out = new ArrayList<>();
    for (OutputLogEvent event : response.events()) {
      out.add(event.message());
    }
    return new Page(out, response.nextForwardToken());
  }

  private <T> T call(java.util.function.Supplier<T> request) {
    for (int attempt = 1; ; attempt++) {
      try {
        bucket.asBlocking().consume(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting to read CloudWatch Logs", e);
      }
      try {
        return request.get();
      } catch (ThrottlingException e) {
        if (attempt > MAX_THROTTLE_RETRIES) {
          throw e;
        }
        long base = 100L << attempt;
        long sleep = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }
}
