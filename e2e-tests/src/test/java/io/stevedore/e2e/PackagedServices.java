package io.stevedore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.S3Resource;
import io.stevedore.testing.SqsResource;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The packaged services ({@code <module>/target/quarkus-app/quarkus-run.jar}) as child processes of
 * the test JVM, against the embedded Postgres and ElasticMQ of test-support, each on a free
 * loopback port with its log in {@code <base>/<module>.log}; and the HTTP calls the tests make.
 */
final class PackagedServices implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Path base;
  private final String adminKey;
  private final List<Process> processes = new ArrayList<>();

  PackagedServices(Path base, String adminKey) {
    this.base = base;
    this.adminKey = adminKey;
  }

  /** Starts {@code module} with the shared settings and {@code extra}; returns its port. */
  int start(String module, List<String> extra) throws IOException {
    return start(module, freePort(), extra, List.of());
  }

  /** The same, with {@code NAME=value} entries added to its environment. */
  int start(String module, List<String> extra, List<String> environment) throws IOException {
    return start(module, freePort(), extra, environment);
  }

  /** The same, on a given port. */
  int start(String module, int port, List<String> extra, List<String> environment)
      throws IOException {
    Path jar = Path.of("..", module, "target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    assertThat(jar).as("packaged " + module).exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.add("-Dquarkus.http.host=127.0.0.1");
    command.add("-Dquarkus.http.port=" + port);
    command.add("-Dquarkus.datasource.jdbc.url=" + PostgresResource.jdbcUrl());
    command.add("-Dquarkus.datasource.username=" + PostgresResource.USER);
    command.add("-Dquarkus.datasource.password=" + PostgresResource.PASSWORD);
    command.add("-Dquarkus.sqs.endpoint-override=" + SqsResource.endpoint());
    command.add(
        "-Dquarkus.sqs.aws.credentials.static-provider.access-key-id=" + SqsResource.ACCESS_KEY);
    command.add(
        "-Dquarkus.sqs.aws.credentials.static-provider.secret-access-key="
            + SqsResource.SECRET_KEY);
    command.add("-Dquarkus.log.console.json.enabled=false");
    command.add("-Dstevedore.auth.admin-key=" + adminKey);
    command.addAll(extra);
    command.add("-jar");
    command.add(jar.toString());
    ProcessBuilder builder = new ProcessBuilder(command);
    for (String entry : environment) {
      int eq = entry.indexOf('=');
      builder.environment().put(entry.substring(0, eq), entry.substring(eq + 1));
    }
    Process process =
        builder
            .directory(base.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log(module).toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    processes.add(process);
    return port;
  }

  /** Where {@code module}'s output goes. */
  Path log(String module) {
    return base.resolve(module + ".log");
  }

  /** Waits until every port answers {@code /q/health/ready} with 200. */
  void awaitReady(int... ports) {
    for (int port : ports) {
      Awaitility.await("service on port " + port + " ready (logs in " + base + ")")
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> status(port, "/q/health/ready") == 200);
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** A client of the test JVM's S3Proxy, with {@code buckets} created when missing. */
  static S3Client s3WithBuckets(List<String> buckets) {
    S3Client s3 =
        S3Client.builder()
            .endpointOverride(URI.create(S3Resource.endpoint()))
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .httpClient(UrlConnectionHttpClient.create())
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(S3Resource.ACCESS_KEY, S3Resource.SECRET_KEY)))
            .build();
    for (String bucket : buckets) {
      if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
        s3.createBucket(b -> b.bucket(bucket));
      }
    }
    return s3;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static int status(int port, String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  static HttpResponse<String> call(
      int port, String method, String path, String key, String contentType, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + key)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Waits until the run has ended (SUCCEEDED or FAILED) and returns it as the scheduler shows it.
   */
  static JsonNode awaitRunEnd(int scheduler, String key, String runId, Path logs) {
    JsonNode[] run = new JsonNode[1];
    Awaitility.await("run " + runId + " ends (logs in " + logs + ")")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              HttpResponse<String> got =
                  call(scheduler, "GET", "/api/v1/runs/" + runId, key, null, null);
              run[0] = JSON.readTree(got.body());
              return List.of("SUCCEEDED", "FAILED").contains(run[0].path("status").asText());
            });
    return run[0];
  }

  /** A new team and its API key, through the scheduler's admin API. */
  String teamKey(int scheduler, String team) throws Exception {
    HttpResponse<String> created =
        call(
            scheduler,
            "POST",
            "/admin/teams",
            adminKey,
            "application/json",
            JSON.writeValueAsString(Map.of("name", team)));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    HttpResponse<String> key =
        call(
            scheduler,
            "POST",
            "/admin/teams/" + team + "/keys",
            adminKey,
            "application/json",
            "{\"description\":\"e2e\"}");
    assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
    return JSON.readTree(key.body()).get("key").asText();
  }
}
