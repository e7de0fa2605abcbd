package io.stevedore.bench.ecs;

import io.stevedore.bench.DispatchBench;
import io.stevedore.common.spec.PipelineSpec;
import io.stevedore.common.spec.PipelineSpecParser;
import io.stevedore.common.spec.SpecFormat;
import io.stevedore.testing.ChildServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * ECS dispatch against {@link FakeEcs}: the packaged orchestrator with {@code launcher=ecs} pointed
 * at the fake, which enforces the Fargate launch rate (20 tasks/s, burst 100) and the API buckets,
 * and publishes each task state change as an EventBridge event on the task-events queue, as the
 * EventBridge rule does in AWS. Reports:
 *
 * <ul>
 *   <li>launches per second, and as a share of the ceiling: the time a perfect client needs to
 *       launch N tasks from a full bucket, {@code (N - 100) / 20} s, over the time taken from the
 *       first launch to the last (goal: at least 90%);
 *   <li>throttles per 1,000 launches (RunTask, and every API);
 *   <li>throttled RunTask calls retried: client tokens that were throttled and later succeeded
 *       (goal: all of them);
 *   <li>tasks started twice: more than one task for one stage attempt (goal: 0).
 * </ul>
 *
 * <pre>
 * ./mvnw -B -q -Pbench -pl orchestrator-service,bench -am package -DskipTests \
 *     -Dspotless.check.skip=true
 * java -cp 'bench/target/quarkus-app/lib/main/*:bench/target/classes' \
 *     io.stevedore.bench.ecs.EcsDispatchBench [--runs 50] [--stages 10] [--task-seconds 1] \
 *     [--launch-burst 100] [--launch-rate 20]
 * </pre>
 *
 * <p>The orchestrator's ECS settings are passed as environment variables: {@code
 * STEVEDORE_ORCHESTRATOR_LAUNCHER=ecs}, {@code STEVEDORE_AWS_ENDPOINT_OVERRIDE} (the fake), static
 * test credentials, and the cluster; see {@link #orchestratorEnvironment}.
 */
public final class EcsDispatchBench {

  public static void main(String[] args) throws Exception {
    int runs = intArg(args, "--runs", 50);
    int stages = intArg(args, "--stages", 10);
    int taskSeconds = intArg(args, "--task-seconds", 1);
    // Tighter than the orchestrator's own pacing (100, 20/s), as with a lower account quota or
    // another client launching in the same account: throttles must then be retried.
    int launchBurst = intArg(args, "--launch-burst", 100);
    int launchRate = intArg(args, "--launch-rate", 20);
    Path jar = Path.of("orchestrator-service/target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException("build the orchestrator first: " + jar + " is missing");
    }
    System.out.printf(Locale.ROOT, "load average at start: %s%n", loadAverage());
    ChildServer pg = ChildServer.get("pg");
    ChildServer sqs = ChildServer.get("sqs");
    String pgUrl = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + pg.property("pg.database");
    String sqsUrl = "http://127.0.0.1:" + sqs.port();

    FakeEcs.Limits fargate = FakeEcs.Limits.fargate();
    FakeEcs.Limits limits =
        new FakeEcs.Limits(
            launchBurst,
            launchRate,
            fargate.runTaskBurst(),
            fargate.runTaskRate(),
            fargate.readBurst(),
            fargate.readRate(),
            fargate.stopBurst(),
            fargate.stopRate(),
            Duration.ofMillis(300),
            Duration.ofSeconds(taskSeconds));
    System.out.printf(
        Locale.ROOT,
        "fake ECS: Fargate launches burst %d, %d/s; RunTask calls %d, %.0f/s; reads %d, %.0f/s%n",
        launchBurst,
        launchRate,
        limits.runTaskBurst(),
        limits.runTaskRate(),
        limits.readBurst(),
        limits.readRate());
    try (FakeEcs fake = FakeEcs.start(limits)) {
      SqsClient sqsClient = DispatchBench.sqsClient(sqsUrl);
      Process orchestrator =
          startOrchestrator(jar, orchestratorEnvironment(pgUrl, sqsUrl, fake.endpoint()));
      // EventBridge delivers task state changes to the task-events queue, when the orchestrator
      // has one; otherwise its reconciler (DescribeTasks every 2 s here) finds every end.
      ExecutorService bus = Executors.newSingleThreadExecutor();
      try {
        String queueUrl =
            sqsClient.getQueueUrl(q -> q.queueName("stevedore-task-events")).queueUrl();
        fake.onEvent(
            event ->
                bus.execute(
                    () -> sqsClient.sendMessage(m -> m.queueUrl(queueUrl).messageBody(event))));
        System.out.println("task state changes go to " + queueUrl);
      } catch (software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException e) {
        System.out.println(
            "no task-events queue: task ends are found by the orchestrator's reconciler only");
      }
      // Tasks change state by time; a ticker publishes the changes nobody asked about.
      var ticker = Executors.newSingleThreadScheduledExecutor();
      ticker.scheduleAtFixedRate(fake::tick, 100, 100, TimeUnit.MILLISECONDS);
      try {
        run(pgUrl, fake, runs, stages);
      } finally {
        ticker.shutdownNow();
        bus.shutdownNow();
        orchestrator.destroy();
        orchestrator.waitFor(20, TimeUnit.SECONDS);
      }
    }
    System.exit(0);
  }

  /** What points the orchestrator's ECS launcher at the fake. */
  static Map<String, String> orchestratorEnvironment(String pgUrl, String sqsUrl, URI ecs) {
    return Map.ofEntries(
        Map.entry("QUARKUS_DATASOURCE_JDBC_URL", pgUrl),
        Map.entry("QUARKUS_SQS_ENDPOINT_OVERRIDE", sqsUrl),
        Map.entry("STEVEDORE_AUTH_ADMIN_KEY", "bench-admin-key-" + System.nanoTime()),
        Map.entry("STEVEDORE_ORCHESTRATOR_LAUNCHER", "ecs"),
        Map.entry("STEVEDORE_ORCHESTRATOR_ECS_CLUSTER", "stevedore"),
        Map.entry("STEVEDORE_ORCHESTRATOR_ECS_REGION", "us-east-1"),
        Map.entry("STEVEDORE_ORCHESTRATOR_ECS_SUBNETS", "subnet-00000000"),
        Map.entry("STEVEDORE_AWS_ENDPOINT_OVERRIDE", ecs.toString()),
        Map.entry("STEVEDORE_AWS_ACCESS_KEY_ID", "bench"),
        Map.entry("STEVEDORE_AWS_SECRET_ACCESS_KEY", "bench"),
        Map.entry("STEVEDORE_ORCHESTRATOR_RECONCILE_INTERVAL", "2s"));
  }

  static void run(String pgUrl, FakeEcs fake, int runs, int stages) throws Exception {
    PipelineSpecParser parser = new PipelineSpecParser();
    UUID team = UUID.randomUUID();
    UUID pipeline = UUID.randomUUID();
    StringBuilder yaml =
        new StringBuilder("name: ecs-bench\nteam: ecs-bench\nmaxActiveRuns: ")
            .append(runs)
            .append("\nstages:\n");
    for (int i = 0; i < stages; i++) {
      // A built-in type runs the etl-worker task definition; the fake runs nothing.
      yaml.append("  - id: s").append(i).append("\n    type: transform\n    sql: select 1\n");
    }
    PipelineSpec spec = parser.parseOrThrow(yaml.toString(), SpecFormat.YAML);
    List<UUID> runIds = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(pgUrl, "postgres", "postgres")) {
      c.setAutoCommit(false);
      try (PreparedStatement t =
              c.prepareStatement(
                  "insert into jobs.teams (id, name, created_at) values (?, 'ecs-bench', now())");
          PreparedStatement p =
              c.prepareStatement(
                  "insert into jobs.pipelines (id, team_id, name, latest_version, created_at,"
                      + " updated_at) values (?, ?, 'ecs-bench', 1, now(), now())");
          PreparedStatement v =
              c.prepareStatement(
                  "insert into jobs.pipeline_versions (pipeline_id, version, spec, source,"
                      + " created_at) values (?, 1, ?::jsonb, ?, now())")) {
        t.setObject(1, team);
        t.executeUpdate();
        p.setObject(1, pipeline);
        p.setObject(2, team);
        p.executeUpdate();
        v.setObject(1, pipeline);
        v.setString(2, parser.toJson(spec));
        v.setString(3, yaml.toString());
        v.executeUpdate();
      }
      c.commit();
      try (PreparedStatement ps =
          c.prepareStatement(
              "insert into jobs.runs (id, team_id, pipeline_id, pipeline_version, status,"
                  + " trigger, logical_date, created_at, updated_at)"
                  + " values (?, ?, ?, 1, 'QUEUED', 'HTTP', ?, now(), now())")) {
        for (int i = 0; i < runs; i++) {
          UUID id = UUID.randomUUID();
          runIds.add(id);
          ps.setObject(1, id);
          ps.setObject(2, team);
          ps.setObject(3, pipeline);
          ps.setTimestamp(4, Timestamp.from(Instant.parse("2026-11-26T00:00:00Z")));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
      c.setAutoCommit(true);

      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
      int ended = 0;
      try (PreparedStatement ps =
          c.prepareStatement(
              "select count(*) from jobs.runs where pipeline_id = ?"
                  + " and status in ('SUCCEEDED', 'FAILED', 'CANCELLED')")) {
        ps.setObject(1, pipeline);
        while (ended < runs && System.nanoTime() < deadline) {
          Thread.sleep(200);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            ended = rs.getInt(1);
          }
        }
      }
      int succeeded;
      try (PreparedStatement ps =
          c.prepareStatement(
              "select count(*) from jobs.runs where pipeline_id = ? and status = 'SUCCEEDED'")) {
        ps.setObject(1, pipeline);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          succeeded = rs.getInt(1);
        }
      }
      FakeEcs.Stats s = fake.stats();
      int n = runs * stages;
      double ideal =
          Math.max(0, s.launched() - fake.limits().launchBurst()) / fake.limits().launchRate();
      double took = (s.lastLaunchNanos() - s.firstLaunchNanos()) / 1e9;
      System.out.println(FakeEcs.describe(s));
      System.out.printf(
          Locale.ROOT,
          "%d runs x %d stages: %d of %d runs succeeded (%d ended); %d launches for %d stages%n",
          runs,
          stages,
          succeeded,
          runs,
          ended,
          s.launched(),
          n);
      System.out.printf(
          Locale.ROOT,
          "launches/s %.1f over %.1f s; a perfect client needs %.1f s: %.0f%% of the Fargate"
              + " ceiling (goal: at least 90%%)%n",
          s.launchRate(),
          took,
          ideal,
          took <= 0 ? 0 : 100 * ideal / took);
      System.out.printf(
          Locale.ROOT,
          "throttles per 1,000 launches: RunTask %.1f, all APIs %.1f; throttled RunTask tokens"
              + " %d, retried %d (goal: all); tasks started twice %d (goal: 0)%n",
          1000.0 * s.throttled().get(FakeEcs.Action.RunTask) / Math.max(1, s.launched()),
          1000.0 * s.throttledTotal() / Math.max(1, s.launched()),
          s.throttledTokens(),
          s.retriedTokens(),
          s.startedTwice());
      System.out.printf(Locale.ROOT, "load average at the end: %s%n", loadAverage());
    }
  }

  static Process startOrchestrator(Path jar, Map<String, String> environment) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("bench-orchestrator-ecs-", ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    String extra = System.getenv("STEVEDORE_BENCH_JVM_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(Arrays.asList(extra.trim().split("\\s+")));
    }
    command.add("-jar");
    command.add(jar.toString());
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(environment);
    pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    Process p = pb.start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("orchestrator exited: " + Files.readString(log));
      }
      try {
        var r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          System.out.printf("orchestrator (launcher=ecs) on port %d, log %s%n", port, log);
          return p;
        }
      } catch (IOException e) {
        // not yet listening
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("orchestrator not ready in 120 s; see " + log);
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }

  private EcsDispatchBench() {}
}
