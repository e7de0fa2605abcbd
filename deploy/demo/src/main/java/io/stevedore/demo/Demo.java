package io.stevedore.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The main job's client, run by {@code deploy/local/demo} once the local stack is up: sample data
 * to S3, suite and pipeline to the services, one run followed to its end, then the warehouse's
 * answer. Exit code 0 when the run succeeded, 1 otherwise.
 *
 * <pre>
 * Demo --data DIR --admin-key-env NAME [--scheduler URL] [--validation URL] [--s3 URL]
 *      [--s3-access-key K] [--s3-secret-key S] [--jdbc URL] [--db-user U] [--db-password-env NAME]
 *      [--team NAME] [--month YYYY-MM] [--timeout SECONDS]
 * </pre>
 *
 * Secrets are passed by the name of an environment variable, never on the command line.
 */
public final class Demo {

  public static void main(String[] args) {
    PrintStream out = System.out;
    try {
      System.exit(run(options(args), out));
    } catch (IllegalArgumentException e) {
      System.err.println("demo: " + e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      System.err.println("demo failed: " + e.getMessage());
      System.exit(1);
    }
  }

  static int run(Map<String, String> o, PrintStream out) throws Exception {
    String adminKey = env(o.get("admin-key-env"), "--admin-key-env");
    String dbPassword = env(o.getOrDefault("db-password-env", ""), null);
    StevedoreApi api =
        new StevedoreApi(
            URI.create(o.getOrDefault("scheduler", "http://127.0.0.1:8081")),
            URI.create(o.getOrDefault("validation", "http://127.0.0.1:8084")));
    String team = o.getOrDefault("team", "demo");
    String month = o.getOrDefault("month", "2001-01");
    Duration timeout = Duration.ofSeconds(Long.parseLong(o.getOrDefault("timeout", "150")));
    Path data = Path.of(required(o, "data"));

    step(out, "2. sample data to the local S3 (s3://" + DemoPipeline.RAW_BUCKET + "/)");
    try (S3Client s3 = s3(o)) {
      List<String> keys = DemoPipeline.uploadSampleData(s3, data);
      out.println("uploaded " + keys.size() + " files: " + String.join(", ", keys));
    }

    step(
        out,
        "3. team '"
            + team
            + "', suite '"
            + DemoPipeline.SUITE
            + "', pipeline '"
            + DemoPipeline.PIPELINE
            + "'");
    String key = api.teamKey(adminKey, team, "deploy/local/demo");
    out.println("API key for team " + team + " created (not shown)");
    out.println(
        "suite "
            + DemoPipeline.SUITE
            + " version "
            + api.saveSuite(key, DemoPipeline.SUITE, DemoPipeline.suiteYaml()));
    out.println(
        "pipeline "
            + DemoPipeline.PIPELINE
            + " version "
            + api.savePipeline(key, DemoPipeline.pipelineYaml(team)));

    step(out, "4. run it (month " + month + ")");
    String runId = api.submit(key, DemoPipeline.PIPELINE, Map.of("month", month));
    out.println("run " + runId);
    JsonNode run = DemoPipeline.follow(api, key, runId, out, timeout);

    step(out, "5. timeline");
    DemoPipeline.printTimeline(run, out);
    if (!"SUCCEEDED".equals(run.path("status").asText())) {
      out.println();
      out.println("the run " + run.path("status").asText() + ": " + run.path("reason").asText(""));
      out.println(
          "stage logs: GET /api/v1/runs/"
              + runId
              + "/stages/<stage>/attempts/<n>/log on the orchestrator,"
              + " or .stevedore/stages/"
              + runId
              + "/");
      return 1;
    }
    Warehouse warehouse =
        new Warehouse(
            o.getOrDefault("jdbc", "jdbc:postgresql://127.0.0.1:15432/stevedore"),
            o.getOrDefault("db-user", "postgres"),
            dbPassword.isEmpty() ? "postgres" : dbPassword);
    out.println();
    out.printf("warehouse %s: %,d rows (state, day)%n", DemoPipeline.TABLE, warehouse.rows());
    out.println();
    try (S3Client s3 = s3(o)) {
      List<String> files =
          s3
              .listObjectsV2Paginator(b -> b.bucket("lake").prefix("delays_by_state/"))
              .contents()
              .stream()
              .map(x -> x.key())
              .filter(k -> k.endsWith(".parquet") && !k.contains("/_"))
              .toList();
      long days = files.stream().map(k -> k.replaceAll("/[^/]*$", "")).distinct().count();
      out.printf(
          "lake s3://lake/delays_by_state/: %d Parquet files in %d day partitions%n",
          files.size(), days);
    }
    out.println();
    out.println("the ten most delayed states (average departure delay, minutes):");
    int rank = 1;
    for (Warehouse.StateDelay s : warehouse.mostDelayed(10)) {
      out.printf(
          "%3d. %-3s %6.2f min  over %,d flights%n", rank++, s.state(), s.avgDelay(), s.flights());
    }
    return 0;
  }

  private static S3Client s3(Map<String, String> o) {
    return S3Client.builder()
        .endpointOverride(URI.create(o.getOrDefault("s3", "http://127.0.0.1:9000")))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .httpClient(UrlConnectionHttpClient.create())
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    o.getOrDefault("s3-access-key", "stevedore-local"),
                    o.getOrDefault("s3-secret-key", "stevedore-local-secret"))))
        .build();
  }

  private static void step(PrintStream out, String what) {
    out.println();
    out.println("==> " + what);
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
      }
      String name = args[i].substring(2);
      if (i + 1 < args.length) {
        o.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value");
      }
    }
    return o;
  }

  private static String required(Map<String, String> o, String name) {
    String value = o.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }

  private static String env(String variable, String option) {
    if (variable == null || variable.isBlank()) {
      if (option != null) {
        throw new IllegalArgumentException(option + " is required");
      }
      return "";
    }
    String value = System.getenv(variable);
    if (value == null || value.isBlank()) {
      if (option != null) {
        throw new IllegalArgumentException(
            "environment variable " + variable + " (" + option + ") is not set");
      }
      return "";
    }
    return value;
  }
}
