package io.stevedore.orchestrator.service;

import io.stevedore.common.http.ApiException;
import io.stevedore.orchestrator.store.LaunchIntent;
import io.stevedore.orchestrator.store.LaunchIntentStore;
import io.stevedore.orchestrator.store.RunStore;
import io.stevedore.orchestrator.store.StageRunRow;
import io.stevedore.orchestrator.store.StageRunStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Reads stage attempt logs, scoped to the run's team. */
@ApplicationScoped
public class StageLogs {

  private static final Logger LOG = Logger.getLogger(StageLogs.class);

  /** Bytes read from the end of a log at most (a tail never reads a whole huge log). */
  static final int MAX_BYTES = 4 * 1024 * 1024;

  private final RunStore runs;
  private final StageRunStore stages;
  private final LaunchIntentStore intents;

  StageLogs(RunStore runs, StageRunStore stages, LaunchIntentStore intents) {
    this.runs = runs;
    this.stages = stages;
    this.intents = intents;
  }

  /** The last {@code lines} lines of an attempt's log. */
  public String tail(UUID teamId, UUID runId, String stageId, int attempt, int lines) {
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
            .filter(i -> i.logFile() != null)
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
    Path file = Path.of(intent.logFile());
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
   * The last {@code lines} lines of an attempt's log, for an alert: empty when there is no log or
   * it cannot be read (an alert goes out anyway).
   */
  public List<String> lastLines(LaunchIntent intent, int lines) {
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

  static String lastLines(Path file, int lines) throws IOException {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
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
