package io.stevedore.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The demo's steps, shared by {@code deploy/local/demo} and the end-to-end test: the sample data
 * into S3, the suite and the pipeline into the services, a run followed to its end.
 */
public final class DemoPipeline {

  public static final String PIPELINE = "flights-daily";
  public static final String SUITE = "flights-contract";
  public static final String RAW_BUCKET = "raw";
  public static final String TABLE = "analytics.delays_by_state";

  private static final List<String> ENDED = List.of("SUCCEEDED", "FAILED", "CANCELLED");

  private DemoPipeline() {}

  /** The pipeline spec, for {@code team}. */
  public static String pipelineYaml(String team) {
    return resource("flights-daily.yaml").replaceFirst("(?m)^team: demo$", "team: " + team);
  }

  /** The flights' data contract. */
  public static String suiteYaml() {
    return resource("flights-contract.yaml");
  }

  /**
   * Uploads the sample data under {@code dataDir} ({@code flights/<month>/*.parquet} and {@code
   * airports.csv}) to the raw bucket, keys as the pipeline reads them; returns the keys.
   */
  public static List<String> uploadSampleData(S3Client s3, Path dataDir) {
    List<String> keys = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".parquet") && !name.endsWith(".csv")) {
          continue; // README and the like
        }
        String key = dataDir.relativize(file).toString().replace('\\', '/');
        s3.putObject(b -> b.bucket(RAW_BUCKET).key(key), RequestBody.fromFile(file));
        keys.add(key);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the sample data in " + dataDir, e);
    }
    if (keys.isEmpty()) {
      throw new IllegalStateException("no sample data (*.parquet, *.csv) under " + dataDir);
    }
    return keys;
  }

  /**
   * Polls the run until it ends, printing every stage attempt's status change as it is seen;
   * returns the ended run.
   */
  public static JsonNode follow(
      StevedoreApi api, String key, String runId, PrintStream out, Duration timeout) {
    Instant start = Instant.now();
    Instant deadline = start.plus(timeout);
    Map<String, String> seen = new LinkedHashMap<>();
    String runStatus = "";
    while (true) {
      JsonNode run = api.run(key, runId);
      double at = Duration.between(start, Instant.now()).toMillis() / 1000.0;
      if (!run.path("status").asText().equals(runStatus)) {
        runStatus = run.path("status").asText();
        out.printf("%6.1fs  run %-27s %s%n", at, "", runStatus);
      }
      for (JsonNode stage : run.path("stages")) {
        String attempt = stage.path("stageId").asText() + " #" + stage.path("attempt").asInt();
        String status = stage.path("status").asText();
        if (!status.equals(seen.put(attempt, status))) {
          String reason = stage.path("reason").asText("");
          out.printf(
              "%6.1fs  %-31s %s%s%n",
              at, attempt, status, reason.isEmpty() ? "" : "  (" + reason + ")");
        }
      }
      if (ENDED.contains(runStatus)) {
        return awaitResults(api, key, runId, run);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "run " + runId + " did not end within " + timeout + "; it is " + runStatus);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /**
   * A worker's result (rows, bytes) travels apart from its exit, so the run may end before the last
   * one was read: waits up to 5 s until every succeeded task stage shows its result.
   */
  private static JsonNode awaitResults(StevedoreApi api, String key, String runId, JsonNode run) {
    Instant deadline = Instant.now().plusSeconds(5);
    while (missingResults(run) && Instant.now().isBefore(deadline)) {
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return run;
      }
      run = api.run(key, runId);
    }
    return run;
  }

  private static boolean missingResults(JsonNode run) {
    for (JsonNode stage : run.path("stages")) {
      boolean validate = stage.path("reason").asText("").startsWith("validation");
      if ("SUCCEEDED".equals(stage.path("status").asText())
          && !validate
          && stage.path("result").isMissingNode()) {
        return true;
      }
    }
    return false;
  }

  /** The run's timeline: each attempt's start and end after the run started, and its result. */
  public static void printTimeline(JsonNode run, PrintStream out) {
    Instant runStart = instant(run.path("startedAt"));
    if (runStart == null) {
      runStart = instant(run.path("createdAt"));
    }
    out.printf(
        "%-20s %3s  %-10s %8s %8s  %10s %10s%n",
        "stage", "#", "status", "start", "took", "rows in", "rows out");
    for (JsonNode stage : run.path("stages")) {
      Instant started = instant(stage.path("startedAt"));
      Instant ended = instant(stage.path("endedAt"));
      JsonNode result = stage.path("result");
      out.printf(
          "%-20s %3d  %-10s %8s %8s  %10s %10s%n",
          stage.path("stageId").asText(),
          stage.path("attempt").asInt(),
          stage.path("status").asText(),
          started == null || runStart == null ? "-" : seconds(Duration.between(runStart, started)),
          started == null || ended == null ? "-" : seconds(Duration.between(started, ended)),
          count(result.path("rowsIn")),
          count(result.path("rowsOut")));
    }
    Instant runEnd = instant(run.path("endedAt"));
    if (runStart != null && runEnd != null) {
      out.printf(
          "run %s in %s%n",
          run.path("status").asText(), seconds(Duration.between(runStart, runEnd)));
    }
  }

  private static String count(JsonNode value) {
    return value.isNumber() ? String.format("%,d", value.asLong()) : "-";
  }

  private static String seconds(Duration d) {
    return String.format("%.1fs", d.toMillis() / 1000.0);
  }

  private static Instant instant(JsonNode value) {
    return value.isTextual() ? Instant.parse(value.asText()) : null;
  }

  private static String resource(String name) {
    try (InputStream in = DemoPipeline.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the demo jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
