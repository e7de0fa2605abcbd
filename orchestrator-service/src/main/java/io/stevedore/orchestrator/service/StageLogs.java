package io.stevedore.orchestrator.service;

import io.stevedore.common.http.ApiException;
import io.stevedore.orchestrator.config.OrchestratorConfig;
import io.stevedore.orchestrator.logs.CloudWatchLogReader;
import io.stevedore.orchestrator.store.LaunchIntent;
import io.stevedore.orchestrator.store.LaunchIntentStore;
import io.stevedore.orchestrator.store.RunStore;
import io.stevedore.orchestrator.store.StageRunRow;
import io.stevedore.orchestrator.store.StageRunStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Reads stage attempt logs, scoped to the run's team: the local launcher's log files, and for ECS
 * attempts the task's CloudWatch Logs stream ({@link CloudWatchLogReader}, paged and rate-limited).
 */
@ApplicationScoped
public class StageLogs {

  private static final Logger LOG = Logger.getLogger(StageLogs.class);

  /** Bytes read from the end of a log at most (a tail never reads a whole huge log). */
  static final int MAX_BYTES = 4 * 1024 * 1024;

  /** How often a followed local log file is looked at for new lines. */
  static final Duration LOCAL_FOLLOW_INTERVAL = Duration.ofMillis(250);

  /** An attempt and its launch intent, found for the caller's team. */
  public record Located(StageRunRow attempt, LaunchIntent intent) {}

  private final RunStore runs;
  private final StageRunStore stages;
  private final LaunchIntentStore intents;
  private final OrchestratorConfig config;
  private final Instance<CloudWatchLogReader> cloudWatch;

  StageLogs(
      RunStore runs,
      StageRunStore stages,
      LaunchIntentStore intents,
      OrchestratorConfig config,
      Instance<CloudWatchLogReader> cloudWatch) {
    this.runs = runs;
    this.stages = stages;
    this.intents = intents;
    this.config = config;
    this.cloudWatch = cloudWatch;
  }

  /**
   * Finds an attempt of the team's run that has a log (404 problems otherwise: another team's run
   * is not found).
   */
  public Located locate(UUID teamId, UUID runId, String stageId, int attempt) {
    runs.find(teamId, runId)
        .orElseThrow(() -> ApiException.notFound("run '" + runId + "' not found"));
    StageRunRow row =
        stages
            .find(runId, stageId, attempt)
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "stage '"
                            + stageId
                            + "' attempt "
                            + attempt
                            + " not found in run '"
                            + runId
                            + "'"));
    LaunchIntent intent =
        intents
            .find(row.id())
            .filter(i -> i.logFile() != null || isEcs(i))
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "stage '"
                            + stageId
                            + "' attempt "
                            + attempt
                            + " has no log: it was never launched ("
                            + row.status()
                            + ")"));
    return new Located(row, intent);
  }

  /** The last {@code lines} lines of an attempt's log. */
  public String tail(UUID teamId, UUID runId, String stageId, int attempt, int lines) {
    Located found = locate(teamId, runId, stageId, attempt);
    if (isEcs(found.intent())) {
      List<String> tail = ecsTail(found.intent(), lines).lines();
      return tail.isEmpty() ? "" : String.join("\n", tail) + "\n";
    }
    Path file = Path.of(found.intent().logFile());
    if (!Files.exists(file)) {
      return "";
    }
    try {
      return lastLines(file, lines);
    } catch (IOException e) {
      throw ApiException.unavailable(
          "the log of stage '" + stageId + "' attempt " + attempt + " cannot be read now");
    }
  }

  /**
   * Sends the last {@code lines} lines of a located attempt's log to {@code sink}, then every new
   * line as it is written, until the attempt has ended and its log is read to the end, or {@code
   * stopped} says the reader went away. Blocks; returns the attempt's final status (or null if the
   * reader went away first).
   */
  public String follow(Located located, int lines, Consumer<String> sink, BooleanSupplier stopped)
      throws InterruptedException {
    return isEcs(located.intent())
        ? followEcs(located, lines, sink, stopped)
        : followFile(located, lines, sink, stopped);
  }

  private String followFile(
      Located located, int lines, Consumer<String> sink, BooleanSupplier stopped)
      throws InterruptedException {
    Path file = Path.of(located.intent().logFile());
    long offset = 0;
    try {
      if (Files.exists(file)) {
        // The tail up to the last complete line; what follows it is read as it completes.
        long size = Files.size(file);
        String tail = lastLines(file, lines, size);
        int end = tail.lastIndexOf('\n') + 1;
        offset = size - tail.substring(end).getBytes(StandardCharsets.UTF_8).length;
        if (end > 0) {
          for (String line : tail.substring(0, end - 1).split("\n", -1)) {
            sink.accept(line);
          }
        }
      }
    } catch (IOException e) {
      throw ApiException.unavailable("the log cannot be read now");
    }
    while (!stopped.getAsBoolean()) {
      // The status first: once ended, everything the attempt wrote is in the file already.
      StageRunRow now = stages.find(located.attempt().id()).orElseThrow();
      boolean ended = !now.status().isActive();
      offset = readLines(file, offset, sink, ended);
      if (ended) {
        return now.status().name();
      }
      Thread.sleep(LOCAL_FOLLOW_INTERVAL.toMillis());
    }
    return null;
  }

  /**
   * Sends the complete lines after {@code offset} (and, when {@code toEnd}, an unfinished last
   * one); returns the offset after what was sent.
   */
  private static long readLines(Path file, long offset, Consumer<String> sink, boolean toEnd) {
    try {
      if (!Files.exists(file)) {
        return offset;
      }
      try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
        long length = in.length();
        if (length <= offset) {
          return offset;
        }
        byte[] bytes = new byte[(int) Math.min(length - offset, MAX_BYTES)];
        in.seek(offset);
        in.readFully(bytes);
        int usable = bytes.length;
        if (!toEnd) {
          while (usable > 0 && bytes[usable - 1] != '\n') {
            usable--;
          }
        }
        if (usable == 0) {
          return offset;
        }
        String text = new String(bytes, 0, usable, StandardCharsets.UTF_8);
        if (text.endsWith("\n")) {
          text = text.substring(0, text.length() - 1);
        }
        for (String line : text.split("\n", -1)) {
          sink.accept(line);
        }
        return offset + usable;
      }
    } catch (IOException e) {
      LOG.debugf("cannot read %s now: %s", file, e.getMessage());
      return offset;
    }
  }

  private String followEcs(
      Located located, int lines, Consumer<String> sink, BooleanSupplier stopped)
      throws InterruptedException {
    CloudWatchLogReader.Page tail = ecsTail(located.intent(), lines);
    tail.lines().forEach(sink);
    String token = tail.nextForwardToken();
    String stream = ecsStream(located.intent());
    while (!stopped.getAsBoolean()) {
      StageRunRow now = stages.find(located.attempt().id()).orElseThrow();
      boolean ended = !now.status().isActive();
      if (stream != null) {
        CloudWatchLogReader.Page page = cloudWatch.get().readFrom(stream, token);
        page.lines().forEach(sink);
        token = page.nextForwardToken();
      }
      if (ended) {
        return now.status().name();
      }
      Thread.sleep(config.logs().followInterval().toMillis());
      if (stream == null) {
        stream = ecsStream(intents.find(located.intent().stageRunId()).orElseThrow());
      }
    }
    return null;
  }

  /**
   * The last {@code lines} lines of an attempt's log, for an alert: empty when there is no log or
   * it cannot be read (an alert goes out anyway).
   */
  public List<String> lastLines(LaunchIntent intent, int lines) {
    if (isEcs(intent)) {
      try {
        return ecsTail(intent, lines).lines();
      } catch (RuntimeException e) {
        LOG.warnf(
            "cannot read the CloudWatch log of stage attempt %s: %s",
            intent.stageRunId(), e.getMessage());
        return List.of();
      }
    }
    if (intent.logFile() == null) {
      return List.of();
    }
    Path file = Path.of(intent.logFile());
    try {
      if (!Files.exists(file)) {
        return List.of();
      }
      String text = lastLines(file, lines);
      if (text.isEmpty()) {
        return List.of();
      }
      String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
      return List.of(body.split("\n", -1));
    } catch (IOException e) {
      LOG.warnf("cannot read the log of stage attempt %s: %s", intent.stageRunId(), e.getMessage());
      return List.of();
    }
  }

  private static boolean isEcs(LaunchIntent intent) {
    return "ECS".equals(intent.launcher());
  }

  /** The awslogs stream of an ECS attempt, or null before its task is known. */
  private String ecsStream(LaunchIntent intent) {
    if (intent.taskRef() == null || !intent.taskRef().startsWith("arn:")) {
      return null;
    }
    return CloudWatchLogReader.streamOf(
        config.logs().streamPrefix(), config.logs().containerName(), intent.taskRef());
  }

  private CloudWatchLogReader.Page ecsTail(LaunchIntent intent, int lines) {
    String stream = ecsStream(intent);
    if (stream == null) {
      return new CloudWatchLogReader.Page(new ArrayList<>(), null);
    }
    return cloudWatch.get().tail(stream, lines);
  }

  static String lastLines(Path file, int lines) throws IOException {
    return lastLines(file, lines, Long.MAX_VALUE);
  }

  /** The last {@code lines} lines of the first {@code upTo} bytes of the file. */
  static String lastLines(Path file, int lines, long upTo) throws IOException {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = Math.min(in.length(), upTo);
      long from = Math.max(0, length - MAX_BYTES);
      byte[] bytes = new byte[(int) (length - from)];
      in.seek(from);
      in.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
      int end = text.endsWith("\n") ? text.length() - 1 : text.length();
      int start = end;
      int found = 0;
      while (start > 0 && found < lines) {
        start = text.lastIndexOf('\n', start - 1);
        if (start < 0) {
          start = 0;
          break;
        }
        found++;
        if (found == lines) {
          start++;
          break;
        }
      }
      return text.substring(start);
    }
  }
}
