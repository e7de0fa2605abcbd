package io.stevedore.bench;

import com.github.kagkarlsson.scheduler.CurrentlyExecuting;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.sun.management.OperatingSystemMXBean;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.contract.RunRequest;
import io.stevedore.common.messaging.MessageAttributes;
import io.stevedore.common.spec.PipelineSpec;
import io.stevedore.common.spec.PipelineSpecParser;
import io.stevedore.common.spec.SpecFormat;
import io.stevedore.testing.ChildServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.management.ManagementFactory;
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
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Stage dispatch throughput of the real orchestrator (packaged jar, child process, {@code
 * launcher=noop}) beside db-scheduler in lock-and-fetch mode draining the same number of no-op
 * one-time executions, on the same embedded Postgres, in the same run.
 *
 * <p>Workloads per round: {@code --runs} runs of a 5-stage chain, and one run of {@code --fanout}
 * parallel stages; db-scheduler drains as many executions as each workload has stages, and for the
 * chain also as many chains of 5 steps, each step replaced by the next on completion. Neither is
 * timed through an idle polling interval: the windows (below) open at the first admission, the
 * first start, or when the work was due. Per phase it reports:
 *
 * <ul>
 *   <li>stages (executions) completed per second, in three windows: the orchestrator from its first
 *       run's admission and db-scheduler from its first execution's start ({@code stages/s}); both
 *       from the first task's start ({@code tasks/s}); both from the moment the work was due
 *       ({@code due/s}: db-scheduler from {@code scheduleBatch}'s return, its picks included), all
 *       to the last end;
 *   <li>write transactions per stage: transaction ids consumed (exact: only a transaction that
 *       writes takes an id, idle polls of both systems take none);
 *   <li>commits per stage: {@code pg_stat_database.xact_commit} delta (read-only ones included),
 *       read after a settle of 11 s (idle backends flush their counters within 10 s) and corrected
 *       for the idle background of both systems, measured first;
 *   <li>statements per stage by role ({@code pg_stat_statements}; each system has its own role),
 *       and the orchestrator's top statements by total time: where its time goes;
 *   <li>CPU per stage: the orchestrator's JVM, Postgres (every backend), and this JVM for
 *       db-scheduler; and ElasticMQ's JVM ({@code mq ms/st}), which receives the orchestrator's run
 *       events (db-scheduler sends none).
 * </ul>
 *
 * <pre>
 * ./mvnw -B -q -Pbench -pl orchestrator-service,bench -am package -DskipTests \
 *     -Dspotless.check.skip=true
 * java -cp 'bench/target/quarkus-app/lib/main/*:bench/target/classes' \
 *     io.stevedore.bench.DispatchBench [--runs 200] [--fanout 1000] [--rounds 3] [--threads 10]
 *     [--warm-ups 1] [--warm-up-scale 0.25] [--jit-warm-ups 20] [--synchronous-commit on]
 *     [--timeline] [--explain-ms N] [--profile-loop N [--profile-chain]] [--pg name=value ...]
 *     [--sql "statement" ...]
 * </pre>
 */
public final class DispatchBench {

  static final String DB = "stevedore";
  static final String ORCHESTRATOR_ROLE = "orchestrator";
  static final String PEER_ROLE = "dbscheduler";
  static final Duration SETTLE = Duration.ofSeconds(11);
  static final int CHAIN_STAGES = 5;

  /** Diagnostic: print when each stage was created, claimed, running and ended. */
  static boolean timeline;

  /** Warm-up rounds before the counted ones, and their size as a share of a counted round's. */
  static int warmUps;

  /**
   * Diagnostic: run this many orchestrator fan-outs (with {@link #profileChain}: rounds of chains)
   * back to back, no db-scheduler and no settle (so no commit counts): a steady load to profile the
   * orchestrator under. Prints each loop's rates and CPU per stage, and every 10 loops its top
   * statements and {@link #printPlanDiagnostics}.
   */
  static int profileLoop;

  /**
   * Rounds of all five phases before the warm-up rounds, back to back (no settles, not counted),
   * that bring both JVMs' JIT to its steady state ({@code --jit-warm-ups}).
   */
  static int jitWarmUps;

  /** With {@code --profile-loop}: statements run before the loop ({@code --sql}, diagnostic). */
  static final List<String> diagnosticSql = new ArrayList<>();

  /** While true, phases skip the settle before their counters (JIT warm-up: not counted). */
  boolean unsettled;

  /** With {@code --profile-loop}: loop over {@code --runs} 5-stage chains, not a fan-out. */
  static boolean profileChain;

  static double warmUpScale;

  final int runs;
  final int fanout;
  final int rounds;
  final int threads;
  final String pgUrl;
  final Path postgresData;
  final Process orchestrator;
  final long queueServerPid;
  final PipelineSpecParser parser = new PipelineSpecParser();
  final UUID team = UUID.randomUUID();
  final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  Peer peer;
  double backgroundCommitsPerSecond;
  final SqsClient sqs;
  private String runRequestsUrl;

  DispatchBench(
      int runs,
      int fanout,
      int rounds,
      int threads,
      String pgUrl,
      Path postgresData,
      Process orchestrator,
      long queueServerPid,
      String sqsUrl) {
    this.runs = runs;
    this.fanout = fanout;
    this.rounds = rounds;
    this.threads = threads;
    this.pgUrl = pgUrl;
    this.postgresData = postgresData;
    this.orchestrator = orchestrator;
    this.queueServerPid = queueServerPid;
    this.sqs = sqsClient(sqsUrl);
  }

  /** An SQS client for the benchmark's own ElasticMQ at {@code url} (any credentials do). */
  public static SqsClient sqsClient(String url) {
    return SqsClient.builder()
        .endpointOverride(URI.create(url))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  public static void main(String[] args) throws Exception {
    int runs = intArg(args, "--runs", 200);
    int fanout = intArg(args, "--fanout", 1000);
    int rounds = intArg(args, "--rounds", 3);
    int threads = intArg(args, "--threads", 10);
    String synchronousCommit = stringArg(args, "--synchronous-commit", "on");
    // Diagnostic: plans of statements slower than this many ms go to Postgres's log (auto_explain).
    int explainMs = intArg(args, "--explain-ms", -1);
    timeline = List.of(args).contains("--timeline");
    profileLoop = intArg(args, "--profile-loop", 0);
    profileChain = List.of(args).contains("--profile-chain");
    jitWarmUps = intArg(args, "--jit-warm-ups", 20);
    diagnosticSql.addAll(listArg(args, "--sql"));
    warmUps = intArg(args, "--warm-ups", 1);
    warmUpScale = Double.parseDouble(stringArg(args, "--warm-up-scale", "0.25"));
    Path jar = Path.of("orchestrator-service/target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException("build the orchestrator first: " + jar + " is missing");
    }
    System.out.printf(Locale.ROOT, "load average at start: %s%n", loadAverage());

    // Postgres of our own (same settings as the local stack), with pg_stat_statements preloaded.
    Path pgDir = Files.createTempDirectory("bench-dispatch-pg-");
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(pgDir)
            .setCleanDataDirectory(true)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "300")
            .setServerConfig("fsync", "on")
            .setServerConfig("autovacuum_naptime", "15s")
            .setServerConfig("shared_preload_libraries", "pg_stat_statements")
            .setServerConfig("pg_stat_statements.track_utility", "on")
            .setServerConfig("pg_stat_statements.max", "10000")
            // "off" only to show what commit latency costs each system (diagnostic runs).
            .setServerConfig("synchronous_commit", synchronousCommit);
    if (explainMs >= 0) {
      builder
          .setServerConfig("shared_preload_libraries", "pg_stat_statements,auto_explain")
          .setServerConfig("auto_explain.log_min_duration", explainMs + "ms")
          .setServerConfig("auto_explain.log_analyze", "on")
          .setServerConfig("auto_explain.log_buffers", "on")
          .setServerConfig("logging_collector", "on")
          .setServerConfig(
              "log_directory", pgDir.resolveSibling(pgDir.getFileName() + "-log").toString());
      System.out.printf("slow plans (over %d ms) logged under %s-log%n", explainMs, pgDir);
    }
    // Diagnostic: more Postgres settings, --pg name=value (repeatable); they win over the above.
    for (String value : listArg(args, "--pg")) {
      String[] setting = value.split("=", 2);
      if (setting.length != 2 || !setting[1].matches("[A-Za-z0-9_.,:/-]+")) {
        throw new IllegalArgumentException(
            "--pg wants name=value, the value without spaces or quotes: " + value);
      }
      builder.setServerConfig(setting[0], setting[1]);
    }
    EmbeddedPostgres pg = builder.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    pg.close();
                  } catch (IOException e) {
                    // best effort
                  }
                }));
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("create database " + DB);
      s.execute("create role " + ORCHESTRATOR_ROLE + " login superuser");
      s.execute("create role " + PEER_ROLE + " login superuser");
    }
    String pgUrl = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + DB;
    try (Connection c = DriverManager.getConnection(pgUrl, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("create extension pg_stat_statements");
    }
    // ElasticMQ stands in for SQS, which runs on no core of ours: the full JIT, not the tests' C1.
    System.setProperty(ChildServer.JVM_OPTIONS, "-XX:+UseSerialGC -Xmx512m");
    ChildServer sqs = ChildServer.get("sqs");

    Process orchestrator = startOrchestrator(jar, pgUrl, sqs.port());
    DispatchBench bench =
        new DispatchBench(
            runs,
            fanout,
            rounds,
            threads,
            pgUrl,
            pgDir,
            orchestrator,
            sqs.pid(),
            "http://127.0.0.1:" + sqs.port());
    try {
      if (profileLoop > 0) {
        bench.profileLoop(profileLoop);
      } else {
        bench.run();
      }
    } finally {
      orchestrator.destroy();
      orchestrator.waitFor(20, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  static Process startOrchestrator(Path jar, String pgUrl, int sqsPort) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("bench-orchestrator-", ".log");
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
    var env = pb.environment();
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("QUARKUS_DATASOURCE_JDBC_URL", pgUrl);
    env.put("QUARKUS_DATASOURCE_USERNAME", ORCHESTRATOR_ROLE);
    env.put("QUARKUS_DATASOURCE_PASSWORD", "unused");
    env.put("QUARKUS_SQS_ENDPOINT_OVERRIDE", "http://127.0.0.1:" + sqsPort);
    env.put("STEVEDORE_AUTH_ADMIN_KEY", "bench-admin-key-" + System.nanoTime());
    env.put("STEVEDORE_ORCHESTRATOR_LAUNCHER", "noop");
    // The no-op tasks hold no capacity worth counting: the local capacity must not throttle them.
    env.put("STEVEDORE_ORCHESTRATOR_LOCAL_CAPACITY_CPU", "1000000000");
    env.put("STEVEDORE_ORCHESTRATOR_LOCAL_CAPACITY_MEMORY", "1000000000");
    env.put(
        "STEVEDORE_ORCHESTRATOR_LOCAL_LOGS_DIR",
        Files.createTempDirectory("bench-stage-files-").toString());
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
          System.out.printf("orchestrator (launcher=noop) on port %d, log %s%n", port, log);
          return p;
        }
      } catch (IOException e) {
        // not yet listening
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("orchestrator not ready in 120 s; see " + log);
  }

  // ------------------------------------------------------------------ the run

  void run() throws Exception {
    insertTeam();
    peer = new Peer(pgUrl, threads);
    System.out.printf(
        Locale.ROOT,
        "dispatch benchmark: %d runs x %d stages, and 1 run x %d parallel stages; db-scheduler"
            + " 16.7.1 lock-and-fetch, %d threads; %d rounds (+%d warm-up rounds at %s size); %d"
            + " cores%n",
        runs,
        CHAIN_STAGES,
        fanout,
        threads,
        rounds,
        warmUps,
        warmUpScale == 0.25 ? "a quarter" : String.format(Locale.ROOT, "%.2fx the", warmUpScale),
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        Locale.ROOT,
        "commit latency of a one-row write transaction (synchronous_commit=%s): p50 %.2f ms,"
            + " p90 %.2f ms%n",
        setting("synchronous_commit"),
        commitLatency(50),
        commitLatency(90));
    backgroundCommitsPerSecond = background();
    System.out.printf(
        Locale.ROOT,
        "idle background (both systems polling): %.1f commits/s%n",
        backgroundCommitsPerSecond);

    // Both JVMs to their JIT's steady state first (each system's statements, run back to back
    // without the settles: their counters are not read), as a long-running server is.
    unsettled = true;
    for (int i = 1; i <= jitWarmUps; i++) {
      List<Phase> p = round("jit " + i, runs, fanout);
      Phase a = p.get(0);
      Phase b = p.get(1);
      Phase b2 = p.get(2);
      Phase c = p.get(3);
      Phase d = p.get(4);
      if (i % 5 == 0 || i == jitWarmUps) {
        System.out.printf(
            Locale.ROOT,
            "JIT warm-up %d of %d (stages/s, not counted): orchestrator chain %.0f, fan-out %.0f;"
                + " db-scheduler %.0f, chains %.0f, %.0f%n",
            i,
            jitWarmUps,
            a.rate(),
            c.rate(),
            b.rate(),
            b2.rate(),
            d.rate());
      }
    }
    unsettled = false;
    if (jitWarmUps > 0) {
      // The last JIT phase's commits and run events settle before the first counted phase.
      Thread.sleep(SETTLE.toMillis());
    }

    List<Phase> chain = new ArrayList<>();
    List<Phase> chainPeer = new ArrayList<>();
    List<Phase> chainedPeer = new ArrayList<>();
    List<Phase> fan = new ArrayList<>();
    List<Phase> fanPeer = new ArrayList<>();
    for (int round = 1 - warmUps; round <= rounds; round++) {
      boolean warmUp = round <= 0;
      int r = warmUp ? Math.max(1, (int) (runs * warmUpScale)) : runs;
      int f = warmUp ? Math.max(1, (int) (fanout * warmUpScale)) : fanout;
      String label = warmUp ? "warm-up" : "round " + round;
      List<Phase> phases = round(label, r, f);
      Phase a = phases.get(0);
      Phase b = phases.get(1);
      Phase b2 = phases.get(2);
      Phase c = phases.get(3);
      Phase d = phases.get(4);
      for (Phase p : phases) {
        System.out.println(p.row());
      }
      System.out.printf(
          Locale.ROOT,
          "  %s: chain %.0f%% of db-scheduler's independent executions, %.0f%% of its chains;"
              + " fan-out %.0f%% of db-scheduler; from the first task's start: chain %.0f%% of"
              + " its chains, fan-out %.0f%%; from due: chain %.0f%% of its chains, fan-out"
              + " %.0f%%%n",
          label,
          100 * a.rate() / b.rate(),
          100 * a.rate() / b2.rate(),
          100 * c.rate() / d.rate(),
          100 * a.taskRate() / b2.taskRate(),
          100 * c.taskRate() / d.taskRate(),
          100 * a.dueRate() / b2.dueRate(),
          100 * c.dueRate() / d.dueRate());
      if (!warmUp) {
        chain.add(a);
        chainPeer.add(b);
        chainedPeer.add(b2);
        fan.add(c);
        fanPeer.add(d);
      }
    }
    peer.close();

    System.out.println();
    System.out.printf(Locale.ROOT, "load average at the end: %s%n", loadAverage());
    System.out.println("median rounds (by the orchestrator's rate):");
    System.out.println(Phase.header());
    Phase mc = median(chain);
    Phase mcp = chainPeer.get(chain.indexOf(mc));
    Phase mcc = chainedPeer.get(chain.indexOf(mc));
    Phase mf = median(fan);
    Phase mfp = fanPeer.get(fan.indexOf(mf));
    for (Phase p : List.of(mc, mcp, mcc, mf, mfp)) {
      System.out.println(p.row());
    }
    System.out.printf(
        Locale.ROOT,
        "orchestrator / db-scheduler: chain against independent executions %.2f (rounds %s),"
            + " chain against db-scheduler's chains %.2f (rounds %s), fan-out %.2f (rounds %s)"
            + " (goal: at least 1.00)%n",
        mc.rate() / mcp.rate(),
        ratios(chain, chainPeer),
        mc.rate() / mcc.rate(),
        ratios(chain, chainedPeer),
        mf.rate() / mfp.rate(),
        ratios(fan, fanPeer));
    System.out.printf(
        Locale.ROOT,
        "the same from the first task's start to the last end (db-scheduler's window): chain"
            + " against db-scheduler's chains (rounds %s), fan-out (rounds %s)%n",
        taskRatios(chain, chainedPeer, Phase::taskRate),
        taskRatios(fan, fanPeer, Phase::taskRate));
    System.out.printf(
        Locale.ROOT,
        "the same from the moment the work was due (db-scheduler: scheduleBatch returned, its"
            + " picks included; orchestrator: its runs' commit, then a RUN request over the queue): chain against"
            + " db-scheduler's chains (rounds %s), chain against independent executions (rounds"
            + " %s), fan-out (rounds %s)%n",
        taskRatios(chain, chainedPeer, Phase::dueRate),
        taskRatios(chain, chainPeer, Phase::dueRate),
        taskRatios(fan, fanPeer, Phase::dueRate));
    System.out.println();
    System.out.println("where the orchestrator's time goes (median chain round), per stage:");
    mc.printProfile();
    System.out.println();
    System.out.println("where the orchestrator's time goes (median fan-out round), per stage:");
    mf.printProfile();
    System.out.println();
    System.out.println("db-scheduler (median chain round), per execution:");
    mcp.printProfile();
  }

  /**
   * One round's five phases, in order: the orchestrator's {@code chains} 5-stage chains,
   * db-scheduler's as many independent executions and as many chained ones, the orchestrator's
   * fan-out of {@code width}, db-scheduler's as many independent executions.
   */
  List<Phase> round(String label, int chains, int width) throws Exception {
    return List.of(
        orchestratorPhase(label, "chain", chains, CHAIN_STAGES),
        peerPhase(label, chains * CHAIN_STAGES),
        peerPhase(label, chains * CHAIN_STAGES, true),
        orchestratorPhase(label, "fan-out", 1, width),
        peerPhase(label, width));
  }

  static String ratios(List<Phase> ours, List<Phase> theirs) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < ours.size(); i++) {
      out.add(String.format(Locale.ROOT, "%.2f", ours.get(i).rate() / theirs.get(i).rate()));
    }
    return String.join(", ", out);
  }

  static String taskRatios(List<Phase> ours, List<Phase> theirs, ToDoubleFunction<Phase> rate) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < ours.size(); i++) {
      out.add(
          String.format(
              Locale.ROOT,
              "%.2f",
              rate.applyAsDouble(ours.get(i)) / rate.applyAsDouble(theirs.get(i))));
    }
    return String.join(", ", out);
  }

  static Phase median(List<Phase> phases) {
    List<Phase> sorted = new ArrayList<>(phases);
    sorted.sort((x, y) -> Double.compare(x.rate(), y.rate()));
    return sorted.get(sorted.size() / 2);
  }

  private double[] commitLatencies;

  /** Percentile of 200 one-row insert transactions (autocommit) on a scratch table, in ms. */
  double commitLatency(int percentile) throws SQLException {
    if (commitLatencies == null) {
      try (Connection c = connect();
          Statement s = c.createStatement()) {
        s.execute("create table if not exists bench_commit_probe (id bigint)");
        double[] ms = new double[200];
        try (PreparedStatement ps =
            c.prepareStatement("insert into bench_commit_probe (id) values (?)")) {
          for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            ps.setLong(1, i);
            ps.executeUpdate();
            ms[i] = (System.nanoTime() - t0) / 1e6;
          }
        }
        s.execute("drop table bench_commit_probe");
        Arrays.sort(ms);
        commitLatencies = ms;
      }
    }
    return commitLatencies[
        Math.min(commitLatencies.length - 1, percentile * commitLatencies.length / 100)];
  }

  String setting(String name) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("select current_setting(?)")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  /** Commits per second while both systems only poll. */
  double background() throws Exception {
    Thread.sleep(SETTLE.toMillis());
    long before = xactCommit();
    long t0 = System.nanoTime();
    Thread.sleep(20_000);
    Thread.sleep(SETTLE.toMillis());
    long after = xactCommit();
    return (after - before) / ((System.nanoTime() - t0) / 1e9);
  }

  // ------------------------------------------------------------------ the orchestrator

  Phase orchestratorPhase(String round, String shape, int runCount, int stagesPerRun)
      throws Exception {
    UUID pipeline =
        pipeline(
            shape + "-" + UUID.randomUUID().toString().substring(0, 8),
            runCount,
            stagesPerRun,
            shape.equals("chain"));
    Counters before = counters();
    long cpu0 = orchestratorCpu();
    long pgCpu0 = postgresCpu();
    long mqCpu0 = cpuOfTree(queueServerPid);
    UUID firstRun = null;
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(
              "insert into jobs.runs (id, team_id, pipeline_id, pipeline_version, status,"
                  + " trigger, logical_date, created_at, updated_at)"
                  + " values (?, ?, ?, 1, 'QUEUED', 'HTTP', ?, now(), now())")) {
        Timestamp logical = Timestamp.from(Instant.parse("2026-11-26T00:00:00Z"));
        for (int i = 0; i < runCount; i++) {
          UUID id = UUID.randomUUID();
          if (firstRun == null) {
            firstRun = id;
          }
          ps.setObject(1, id);
          ps.setObject(2, team);
          ps.setObject(3, pipeline);
          ps.setTimestamp(4, logical);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    }
    // The runs are due now: as the scheduler's relay does after its commit, a RUN request on the
    // run-requests queue makes the orchestrator admit them at once (one admits all of the team's).
    Instant due = Instant.now();
    requestRun(firstRun, pipeline);
    // Wait until every run ended (polled by this JVM as postgres, outside both roles).
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select count(*) from jobs.runs where pipeline_id = ?"
                    + " and status in ('SUCCEEDED', 'FAILED', 'CANCELLED')")) {
      ps.setObject(1, pipeline);
      while (true) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getInt(1) == runCount) {
            break;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(shape + ": runs did not end in 10 minutes");
        }
        Thread.sleep(50);
      }
    }
    long cpu1 = orchestratorCpu();
    long pgCpu1 = postgresCpu();
    long mqCpu1 = cpuOfTree(queueServerPid);
    List<Stmt> statements = statements(ORCHESTRATOR_ROLE);
    Counters after = countersAfterSettle();
    int stages = runCount * stagesPerRun;
    Instant first;
    Instant last;
    Instant firstTask;
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select min(r.started_at), max(r.ended_at),"
                    + " count(*) filter (where r.status <> 'SUCCEEDED'),"
                    + " (select count(*) from jobs.stage_runs s join jobs.runs q on q.id = s.run_id"
                    + "   where q.pipeline_id = ? and s.status = 'SUCCEEDED' and s.attempt = 1),"
                    + " (select min(s.started_at) from jobs.stage_runs s join jobs.runs q"
                    + "   on q.id = s.run_id where q.pipeline_id = ?)"
                    + " from jobs.runs r where r.pipeline_id = ?")) {
      ps.setObject(1, pipeline);
      ps.setObject(2, pipeline);
      ps.setObject(3, pipeline);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        first = rs.getTimestamp(1).toInstant();
        last = rs.getTimestamp(2).toInstant();
        firstTask = rs.getTimestamp(5).toInstant();
        if (rs.getInt(3) != 0 || rs.getInt(4) != stages) {
          throw new IllegalStateException(
              shape
                  + ": "
                  + rs.getInt(3)
                  + " runs did not succeed; "
                  + rs.getInt(4)
                  + " of "
                  + stages
                  + " stages succeeded at the first attempt");
        }
      }
    }
    double seconds = Duration.between(first, last).toNanos() / 1e9;
    // db-scheduler's window opens when its first execution starts (after its first pick), so the
    // same window for the orchestrator opens when its first task started (recorded RUNNING): the
    // run's admission and first claim stay out, as db-scheduler's scheduleBatch and first pick do
    double taskSeconds = Duration.between(firstTask, last).toNanos() / 1e9;
    double dueSeconds = Duration.between(due, last).toNanos() / 1e9;
    if (timeline && !unsettled) {
      printTimeline(pipeline, first, runCount == 1);
    }
    return new Phase(
        round,
        "orchestrator " + shape + " " + runCount + "x" + stagesPerRun,
        stages,
        seconds,
        taskSeconds,
        dueSeconds,
        before,
        after,
        (cpu1 - cpu0) / 1e6,
        (pgCpu1 - pgCpu0) / 1e6,
        (mqCpu1 - mqCpu0) / 1e6,
        statements,
        backgroundCommitsPerSecond);
  }

  /** Sends a RUN request for {@code run}, as the scheduler's outbox relay would. */
  void requestRun(UUID run, UUID pipeline) {
    if (runRequestsUrl == null) {
      runRequestsUrl =
          sqs.getQueueUrl(q -> q.queueName("stevedore-" + Queues.RUN_REQUESTS)).queueUrl();
    }
    String body =
        String.format(
            Locale.ROOT,
            "{\"action\":\"RUN\",\"runId\":\"%s\",\"teamId\":\"%s\",\"pipelineId\":\"%s\","
                + "\"pipelineVersion\":1,\"requestedAt\":\"%s\"}",
            run,
            team,
            pipeline,
            Instant.now());
    sqs.sendMessage(
        m ->
            m.queueUrl(runRequestsUrl)
                .messageBody(body)
                .messageAttributes(
                    Map.of(
                        MessageAttributes.MESSAGE_ID,
                        text(UUID.randomUUID().toString()),
                        MessageAttributes.TYPE,
                        text(RunRequest.TYPE),
                        MessageAttributes.VERSION,
                        MessageAttributeValue.builder()
                            .dataType("Number")
                            .stringValue(Integer.toString(RunRequest.VERSION))
                            .build())));
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  UUID pipeline(String name, int maxActiveRuns, int stages, boolean chain) throws Exception {
    StringBuilder yaml =
        new StringBuilder("name: ")
            .append(name)
            .append("\nteam: bench\nmaxActiveRuns: ")
            .append(maxActiveRuns)
            .append("\nstages:\n");
    for (int i = 0; i < stages; i++) {
      yaml.append("  - id: s").append(i).append("\n    type: container\n    image: busybox\n");
      if (chain && i > 0) {
        yaml.append("    dependsOn: [s").append(i - 1).append("]\n");
      }
      // Never run: the no-op launcher starts nothing.
      yaml.append("    command: [\"true\"]\n");
    }
    PipelineSpec spec = parser.parseOrThrow(yaml.toString(), SpecFormat.YAML);
    UUID id = UUID.randomUUID();
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement p =
              c.prepareStatement(
                  "insert into jobs.pipelines (id, team_id, name, latest_version, created_at,"
                      + " updated_at) values (?, ?, ?, 1, now(), now())");
          PreparedStatement v =
              c.prepareStatement(
                  "insert into jobs.pipeline_versions (pipeline_id, version, spec, source,"
                      + " created_at) values (?, 1, ?::jsonb, ?, now())")) {
        p.setObject(1, id);
        p.setObject(2, team);
        p.setString(3, name);
        p.executeUpdate();
        v.setObject(1, id);
        v.setString(2, parser.toJson(spec));
        v.setString(3, yaml.toString());
        v.executeUpdate();
      }
      c.commit();
    }
    return id;
  }

  long orchestratorCpu() {
    return orchestrator.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  // ------------------------------------------------------------------ db-scheduler

  /**
   * Diagnostic ({@code --timeline}): per stage of the pipeline, when its attempts were created
   * (PENDING), claimed (launch intent), recorded RUNNING and ended, in ms after the first run
   * started: min, median and max over the runs.
   */
  void printTimeline(UUID pipeline, Instant first, boolean allStages) throws SQLException {
    // one run (the fan-out): all its stages on one line, at more percentiles
    String percentiles = allStages ? "array[0, 0.1, 0.5, 0.9, 1]" : "array[0, 0.5, 1]";
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select "
                    + (allStages ? "'all'" : "s.stage_id")
                    + ", count(*),"
                    + " percentile_cont("
                    + percentiles
                    + ") within group (order by"
                    + "   extract(epoch from s.created_at - ?::timestamptz) * 1000),"
                    + " percentile_cont("
                    + percentiles
                    + ") within group (order by"
                    + "   extract(epoch from i.requested_at - ?::timestamptz) * 1000),"
                    + " percentile_cont("
                    + percentiles
                    + ") within group (order by"
                    + "   extract(epoch from s.started_at - ?::timestamptz) * 1000),"
                    + " percentile_cont("
                    + percentiles
                    + ") within group (order by"
                    + "   extract(epoch from s.ended_at - ?::timestamptz) * 1000)"
                    + " from jobs.stage_runs s join jobs.runs r on r.id = s.run_id"
                    + " join orchestrator.launch_intents i on i.stage_run_id = s.id"
                    + " where r.pipeline_id = ?"
                    + (allStages
                        ? ""
                        : " group by s.stage_id order by min(s.created_at), s.stage_id limit 12"))) {
      Timestamp t0 = Timestamp.from(first);
      for (int i = 1; i <= 4; i++) {
        ps.setTimestamp(i, t0);
      }
      ps.setObject(5, pipeline);
      System.out.println(
          "  timeline, ms after the first run started ("
              + (allStages ? "min/p10/median/p90/max over all stages" : "min/median/max over runs")
              + "): stage, created, claimed, running, ended");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          StringBuilder line = new StringBuilder("  " + rs.getString(1) + " x" + rs.getInt(2));
          for (int col = 3; col <= 6; col++) {
            Double[] p = (Double[]) rs.getArray(col).getArray();
            line.append(' ');
            for (Double v : p) {
              line.append(String.format(Locale.ROOT, " %5.0f", v));
            }
          }
          System.out.println(line);
        }
      }
    }
  }

  Phase peerPhase(String round, int executions) throws Exception {
    return peerPhase(round, executions, false);
  }

  /** db-scheduler draining {@code executions} independent executions, or chains of them. */
  Phase peerPhase(String round, int executions, boolean chained) throws Exception {
    Counters before = counters();
    long cpu0 = os.getProcessCpuTime();
    long pgCpu0 = postgresCpu();
    long mqCpu0 = cpuOfTree(queueServerPid);
    Peer.Drain drain =
        chained ? peer.drainChains(executions / CHAIN_STAGES) : peer.drain(executions);
    long cpu1 = os.getProcessCpuTime();
    long pgCpu1 = postgresCpu();
    long mqCpu1 = cpuOfTree(queueServerPid);
    List<Stmt> statements = statements(PEER_ROLE);
    Counters after = countersAfterSettle();
    return new Phase(
        round,
        chained
            ? "db-scheduler " + executions / CHAIN_STAGES + " chains x " + CHAIN_STAGES
            : "db-scheduler " + executions + " executions",
        executions,
        drain.seconds(),
        drain.seconds(),
        drain.fromDue(),
        before,
        after,
        (cpu1 - cpu0) / 1e6,
        (pgCpu1 - pgCpu0) / 1e6,
        (mqCpu1 - mqCpu0) / 1e6,
        statements,
        backgroundCommitsPerSecond);
  }

  /** db-scheduler with its own pool and role, as a service would run it. */
  static final class Peer implements AutoCloseable {
    /**
     * Seconds from the first execution's start to the last completion, and from the moment the
     * executions were due ({@code scheduleBatch} returned) to the last completion: the second
     * includes db-scheduler's picks. When one pick takes the whole batch (its fast regime), that
     * pick takes longer than running the executions, and falls before the first start.
     */
    record Drain(double seconds, double fromDue) {}

    final HikariDataSource dataSource;
    final Scheduler scheduler;
    final OneTimeTask<Void> task;
    CustomTask<Integer> chain; // not final: its own steps name it
    final AtomicInteger completed = new AtomicInteger();
    final AtomicReference<Instant> firstStart = new AtomicReference<>();
    volatile CountDownLatch done = new CountDownLatch(0);
    volatile int expected;
    volatile Instant lastEnd;

    Peer(String url, int threads) throws SQLException {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      config.setUsername(PEER_ROLE);
      config.setPassword("unused");
      config.setMaximumPoolSize(threads + 2);
      dataSource = new HikariDataSource(config);
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.execute(
            "create table if not exists scheduled_tasks (task_name text not null, task_instance"
                + " text not null, task_data bytea, execution_time timestamp with time zone not"
                + " null, picked boolean not null, picked_by text, last_success timestamp with"
                + " time zone, last_failure timestamp with time zone, consecutive_failures int,"
                + " last_heartbeat timestamp with time zone, version bigint not null, priority"
                + " smallint, primary key (task_name, task_instance))");
        s.execute(
            "create index if not exists execution_time_idx on scheduled_tasks (execution_time)");
        s.execute(
            "create index if not exists last_heartbeat_idx on scheduled_tasks (last_heartbeat)");
        s.execute(
            "create index if not exists priority_execution_time_idx on scheduled_tasks"
                + " (priority desc, execution_time asc)");
      }
      task = Tasks.oneTime("noop").execute((instance, context) -> {});
      // a chain as db-scheduler users write one: each step, when it completes, is replaced by the
      // next step in the same transaction (delete and insert), due at once
      chain =
          Tasks.custom("chain", Integer.class)
              .execute(
                  (instance, context) -> {
                    int step = instance.getData();
                    if (step >= CHAIN_STAGES) {
                      return new CompletionHandler.OnCompleteRemove<>();
                    }
                    String id = instance.getId();
                    String next = id.substring(0, id.lastIndexOf('-') + 1) + (step + 1);
                    return new CompletionHandler.OnCompleteReplace<Integer, Integer>(
                        current -> this.chain.schedulableInstance(next, step + 1));
                  });
      scheduler =
          Scheduler.create(dataSource, task, chain)
              .threads(threads)
              .pollUsingLockAndFetch(0.5, 1.0)
              // an execution scheduled due now (a chain's next step) wakes the poller at once, as
              // the orchestrator's completions hand the next stage to its dispatcher
              .enableImmediateExecution()
              .pollingInterval(Duration.ofSeconds(1))
              .addSchedulerListener(
                  new AbstractSchedulerListener() {
                    @Override
                    public void onExecutionStart(CurrentlyExecuting execution) {
                      firstStart.compareAndSet(null, Instant.now());
                    }

                    @Override
                    public void onExecutionComplete(ExecutionComplete complete) {
                      if (complete.getResult() != ExecutionComplete.Result.OK) {
                        System.err.println("db-scheduler execution failed: " + complete);
                      }
                      if (completed.incrementAndGet() == expected) {
                        lastEnd = Instant.now();
                        done.countDown();
                      }
                    }
                  })
              .build();
      scheduler.start();
    }

    Drain drain(int executions) throws Exception {
      List<TaskInstance<?>> instances = new ArrayList<>(executions);
      String batch = UUID.randomUUID().toString().substring(0, 8);
      for (int i = 0; i < executions; i++) {
        instances.add(task.instance(batch + "-" + i));
      }
      return drain(instances, executions, "noop");
    }

    /** {@code chains} chains of {@link #CHAIN_STAGES} steps, each step an execution. */
    Drain drainChains(int chains) throws Exception {
      List<TaskInstance<?>> instances = new ArrayList<>(chains);
      String batch = UUID.randomUUID().toString().substring(0, 8);
      for (int i = 0; i < chains; i++) {
        instances.add(chain.instance(batch + "-" + i + "-1", 1));
      }
      return drain(instances, chains * CHAIN_STAGES, "chain");
    }

    private Drain drain(List<TaskInstance<?>> instances, int executions, String taskName)
        throws Exception {
      completed.set(0);
      firstStart.set(null);
      expected = executions;
      done = new CountDownLatch(1);
      scheduler.scheduleBatch(instances, Instant.now());
      Instant due = Instant.now();
      if (!done.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException(
            "db-scheduler completed " + completed.get() + " of " + executions + " in 10 minutes");
      }
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps =
              c.prepareStatement("select count(*) from scheduled_tasks where task_name = ?")) {
        ps.setString(1, taskName);
        // Completed one-time executions are deleted; wait for the last deletes.
        for (int i = 0; i < 100; i++) {
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getInt(1) == 0) {
              break;
            }
          }
          Thread.sleep(10);
        }
      }
      return new Drain(
          Duration.between(firstStart.get(), lastEnd).toNanos() / 1e9,
          Duration.between(due, lastEnd).toNanos() / 1e9);
    }

    @Override
    public void close() {
      scheduler.stop();
      dataSource.close();
    }
  }

  // ------------------------------------------------------------------ counters

  record Counters(long xid, long xactCommit, long wallNanos) {}

  Counters counters() throws SQLException {
    try (Connection c = connect()) {
      c.createStatement().execute("select pg_stat_statements_reset()");
      long xid;
      try (ResultSet rs = c.createStatement().executeQuery("select txid_current()")) {
        rs.next();
        xid = rs.getLong(1);
      }
      return new Counters(xid, xactCommit(c), System.nanoTime());
    }
  }

  /** Transaction ids now, and xact_commit once the idle backends have flushed their counters. */
  /** The team the bench's pipelines belong to. */
  void insertTeam() throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into jobs.teams (id, name, created_at) values (?, 'bench', now())")) {
      ps.setObject(1, team);
      ps.executeUpdate();
    }
  }

  /** Diagnostic: statistics of the hot tables, and generic plans of the array lookups. */
  void printPlanDiagnostics() throws SQLException {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery(
              "select c.relname, c.reltuples::bigint, c.relpages, s.n_live_tup, s.n_dead_tup,"
                  + " s.last_autoanalyze, s.last_autovacuum, s.autoanalyze_count"
                  + " from pg_class c join pg_stat_user_tables s on s.relid = c.oid"
                  + " where c.relname in ('stage_runs', 'runs', 'launch_intents', 'outbox')")) {
        while (rs.next()) {
          System.out.printf(
              Locale.ROOT,
              "  %s: reltuples %d, relpages %d, live %d, dead %d, autoanalyze %s (%d), autovacuum"
                  + " %s%n",
              rs.getString(1),
              rs.getLong(2),
              rs.getLong(3),
              rs.getLong(4),
              rs.getLong(5),
              rs.getString(6),
              rs.getLong(8),
              rs.getString(7));
        }
      }
      try (ResultSet rs =
          st.executeQuery(
              "select string_agg(name || '=' || setting, ', ') from pg_settings"
                  + " where name in ('autovacuum', 'autovacuum_naptime', 'track_counts')")) {
        rs.next();
        System.out.println("  " + rs.getString(1));
      }
      try (ResultSet rs =
          st.executeQuery(
              "select backend_type, state, left(query, 80) from pg_stat_activity"
                  + " where backend_type like 'autovacuum%'")) {
        while (rs.next()) {
          System.out.printf("  %s %s %s%n", rs.getString(1), rs.getString(2), rs.getString(3));
        }
      }
      st.execute("set plan_cache_mode = force_generic_plan");
      int n = 0;
      for (String sql :
          List.of(
              "select id from jobs.stage_runs where id = any ($1)",
              "select distinct on (run_id, stage_id) id from jobs.stage_runs where run_id = any"
                  + " ($1) order by run_id, stage_id, attempt desc")) {
        String name = "diag" + n++ + "_" + System.nanoTime();
        st.execute("prepare " + name + " (uuid[]) as " + sql);
        try (ResultSet rs = st.executeQuery("explain execute " + name + " ('{}')")) {
          while (rs.next()) {
            System.out.println("    " + rs.getString(1));
          }
        }
      }
    }
  }

  /** See {@link #profileLoop}. */
  void profileLoop(int count) throws Exception {
    insertTeam();
    // Diagnostic: statements run once the orchestrator has migrated the schema, --sql "..."
    // (repeatable), to measure a schema change before making it.
    for (String sql : diagnosticSql) {
      try (Connection c = connect();
          Statement st = c.createStatement()) {
        st.execute(sql);
        System.out.println("ran: " + sql);
      }
    }
    // What the processes burn while idle (polling loops), to tell apart from the cost per stage.
    Thread.sleep(2_000);
    long cpu0 = orchestratorCpu();
    long pgCpu0 = postgresCpu();
    long mqCpu0 = cpuOfTree(queueServerPid);
    long t0 = System.nanoTime();
    Thread.sleep(5_000);
    double idleSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "idle CPU ms per second: orchestrator %.1f, Postgres %.1f, queue server %.1f%n",
        (orchestratorCpu() - cpu0) / 1e6 / idleSeconds,
        (postgresCpu() - pgCpu0) / 1e6 / idleSeconds,
        (cpuOfTree(queueServerPid) - mqCpu0) / 1e6 / idleSeconds);
    for (int i = 1; i <= count; i++) {
      Phase p =
          profileChain
              ? orchestratorPhase("loop " + i, "chain", runs, 5)
              : orchestratorPhase("loop " + i, "fan-out", 1, fanout);
      System.out.printf(
          Locale.ROOT,
          "loop %d: %s: %.0f stages/s (%.0f from the first task's start, %.0f from due),"
              + " CPU ms per stage: orchestrator %.3f, Postgres %.3f, queue server %.3f%n",
          i,
          profileChain ? runs + " chains of 5" : "fan-out of " + fanout,
          p.rate(),
          p.taskRate(),
          p.dueRate(),
          p.cpuMs() / p.stages(),
          p.postgresCpuMs() / p.stages(),
          p.queueCpuMs() / p.stages());
      if (i % 10 == 0 || i == count) {
        p.printProfile();
        printPlanDiagnostics();
      }
    }
  }

  Counters countersAfterSettle() throws Exception {
    if (profileLoop > 0 || unsettled) {
      return counters();
    }
    long xid;
    try (Connection c = connect();
        ResultSet rs = c.createStatement().executeQuery("select txid_current()")) {
      rs.next();
      xid = rs.getLong(1);
    }
    Thread.sleep(SETTLE.toMillis());
    return new Counters(xid, xactCommit(), System.nanoTime());
  }

  long xactCommit() throws SQLException {
    try (Connection c = connect()) {
      return xactCommit(c);
    }
  }

  static long xactCommit(Connection c) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("select xact_commit from pg_stat_database where datname = ?")) {
      ps.setString(1, DB);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** One statement of pg_stat_statements. */
  record Stmt(String query, long calls, double totalMs, long rows) {}

  List<Stmt> statements(String role) throws SQLException {
    List<Stmt> out = new ArrayList<>();
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "select s.query, s.calls, s.total_exec_time, s.rows from pg_stat_statements s"
                    + " join pg_roles r on r.oid = s.userid"
                    + " join pg_database d on d.oid = s.dbid"
                    + " where r.rolname = ? and d.datname = ? order by s.total_exec_time desc")) {
      ps.setString(1, role);
      ps.setString(2, DB);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Stmt(rs.getString(1), rs.getLong(2), rs.getDouble(3), rs.getLong(4)));
        }
      }
    }
    return out;
  }

  /** CPU time of every Postgres process (postmaster and backends), in nanoseconds. */
  long postgresCpu() {
    try {
      return cpuOfTree(
          Long.parseLong(Files.readAllLines(postgresData.resolve("postmaster.pid")).get(0)));
    } catch (IOException | RuntimeException e) {
      return 0L;
    }
  }

  /** CPU time of a process and its descendants, in nanoseconds (0 if it is gone). */
  static long cpuOfTree(long pid) {
    return ProcessHandle.of(pid)
        .map(
            h ->
                h.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)
                    + h.descendants()
                        .mapToLong(
                            d -> d.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                        .sum())
        .orElse(0L);
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(pgUrl, "postgres", "");
  }

  // ------------------------------------------------------------------ results

  record Phase(
      String round,
      String what,
      int stages,
      double seconds,
      double taskSeconds,
      double dueSeconds,
      Counters before,
      Counters after,
      double cpuMs,
      double postgresCpuMs,
      double queueCpuMs,
      List<Stmt> statements,
      double backgroundPerSecond) {

    double rate() {
      return stages / seconds;
    }

    /** Stages per second from the first task's start to the last end (db-scheduler's window). */
    double taskRate() {
      return stages / taskSeconds;
    }

    /**
     * Stages per second from the moment they were due to the last end: db-scheduler from its {@code
     * scheduleBatch}'s return (its picks included); the orchestrator from the commit of its QUEUED
     * runs (the RUN request is sent just after: the queue's delivery, its admission with the stage
     * rows' inserts, and its first claim included).
     */
    double dueRate() {
      return stages / dueSeconds;
    }

    /** Transaction ids consumed per stage, less the two the bench takes to read them. */
    double writeTxPerStage() {
      return (after.xid() - before.xid() - 1) / (double) stages;
    }

    double commitsPerStage() {
      double raw = after.xactCommit() - before.xactCommit();
      double background = backgroundPerSecond * (after.wallNanos() - before.wallNanos()) / 1e9;
      return Math.max(0, raw - background) / stages;
    }

    long calls() {
      return statements.stream().mapToLong(Stmt::calls).sum();
    }

    static String header() {
      return String.format(
          Locale.ROOT,
          "%-9s %-36s %8s %9s %9s %9s %8s %8s %8s %9s %9s %9s",
          "round",
          "what",
          "stages",
          "stages/s",
          "tasks/s",
          "due/s",
          "wtx/st",
          "cmt/st",
          "stmt/st",
          "cpu ms/st",
          "pg ms/st",
          "mq ms/st");
    }

    String row() {
      return String.format(
          Locale.ROOT,
          "%-9s %-36s %8d %9.1f %9.1f %9.1f %8.2f %8.2f %8.2f %9.3f %9.3f %9.3f",
          round,
          what,
          stages,
          rate(),
          taskRate(),
          dueRate(),
          writeTxPerStage(),
          commitsPerStage(),
          calls() / (double) stages,
          cpuMs / stages,
          postgresCpuMs / stages,
          queueCpuMs / stages);
    }

    void printProfile() {
      System.out.printf(
          Locale.ROOT,
          "  %d statements (%.2f per stage), %.1f ms of Postgres execution (%.3f ms per stage);"
              + " top by total time:%n",
          calls(),
          calls() / (double) stages,
          statements.stream().mapToDouble(Stmt::totalMs).sum(),
          statements.stream().mapToDouble(Stmt::totalMs).sum() / stages);
      System.out.printf(
          Locale.ROOT,
          "  %9s %9s %9s %8s  %s%n",
          "calls/st",
          "ms total",
          "ms/call",
          "rows/c",
          "sql");
      statements.stream()
          .limit(14)
          .forEach(
              s ->
                  System.out.printf(
                      Locale.ROOT,
                      "  %9.3f %9.1f %9.3f %8.1f  %s%n",
                      s.calls() / (double) stages,
                      s.totalMs(),
                      s.totalMs() / Math.max(1, s.calls()),
                      s.rows() / (double) Math.max(1, s.calls()),
                      abbreviate(s.query())));
    }
  }

  static String abbreviate(String sql) {
    String flat = sql.replaceAll("\\s+", " ").trim();
    if (profileLoop > 0 && flat.length() > 200) {
      // Diagnostic loops: the end too (where the statements sharing a column list differ).
      return flat.substring(0, 60) + " ... " + flat.substring(flat.length() - 135);
    }
    return flat.length() > 110 ? flat.substring(0, 107) + "..." : flat;
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  static String stringArg(String[] args, String name, String fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  /** Every value of a repeatable option ({@code --pg a=b --pg c=d}). */
  static List<String> listArg(String[] args, String name) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        values.add(args[i + 1]);
      }
    }
    return values;
  }

  static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}
