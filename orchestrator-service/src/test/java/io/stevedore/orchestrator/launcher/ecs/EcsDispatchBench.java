package io.stevedore.orchestrator.launcher.ecs;

import io.stevedore.orchestrator.launcher.LaunchSpec;
import io.stevedore.orchestrator.store.LaunchIntent;
import io.stevedore.testing.AwsApiProxy;
import io.stevedore.testing.AwsApiProxy.Reply;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark, not a test (issue 4, benchmark 2): ECS dispatch against a fake ECS that enforces the
 * Fargate task launch rate (a token bucket of 100, refilled 20 per second) and answers
 * ThrottlingException beyond it. The launcher (paced by its own buckets) is compared with the same
 * launcher unpaced (buckets far above the rate, only retries with backoff), in the same run.
 *
 * <pre>
 * ./mvnw -B -q -o -pl orchestrator-service test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.stevedore.orchestrator.launcher.ecs.EcsDispatchBench -Dspotless.check.skip=true
 * </pre>
 *
 * Prints launches per second as a share of the ceiling ((launches - burst) / rate seconds),
 * throttled calls per 1,000 launches, failed launches, and tasks started twice (a client token that
 * got two started answers: never, since the fake is idempotent on tokens like ECS, but counted
 * anyway).
 */
public final class EcsDispatchBench {

  static final int BURST = 100;
  static final int RATE = 20;

  /** The fake's RunTask bucket, refilled continuously like ECS's. */
  static final class FakeBucket {
    private double tokens = BURST;
    private long last = System.nanoTime();

    synchronized boolean take() {
      long now = System.nanoTime();
      tokens = Math.min(BURST, tokens + (now - last) / 1e9 * RATE);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }

  record Result(String name, int launches, double seconds, long throttles, int failed, int twice) {
    void print() {
      double ceiling = Math.max(0, launches - BURST) / (double) RATE;
      System.out.printf(
          "%-28s %5d launches in %6.2f s  ceiling %6.2f s  share %5.1f%%  throttles/1000 %7.1f"
              + "  failed %d  started twice %d%n",
          name,
          launches,
          seconds,
          ceiling,
          100 * ceiling / seconds,
          1000.0 * throttles / launches,
          failed,
          twice);
    }
  }

  public static void main(String[] args) throws Exception {
    int launches = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    run("unpaced (retries only)", launches, threads, "100000", "100000").print();
    Thread.sleep(BURST * 1000L / RATE); // let the fake's bucket fill again
    run("paced launcher (buckets)", launches, threads, "100", "20").print();
    System.exit(0);
  }

  static Result run(String name, int launches, int threads, String burst, String rate)
      throws Exception {
    FakeBucket bucket = new FakeBucket();
    AtomicInteger throttles = new AtomicInteger();
    Map<String, AtomicInteger> started = new ConcurrentHashMap<>();
    Pattern token = Pattern.compile("\"clientToken\":\"([^\"]+)\"");
    try (AwsApiProxy fake = AwsApiProxy.start("http://127.0.0.1:9")) {
      fake.inject(
          (operation, body) -> {
            if (!operation.equals("RunTask")) {
              return Optional.empty();
            }
            if (!bucket.take()) {
              throttles.incrementAndGet();
              return Optional.of(AwsApiProxy.throttling());
            }
            Matcher m = token.matcher(body);
            String t = m.find() ? m.group(1) : UUID.randomUUID().toString();
            started.computeIfAbsent(t, k -> new AtomicInteger()).incrementAndGet();
            return Optional.of(
                new Reply(
                    200,
                    "{\"tasks\":[{\"taskArn\":\"arn:aws:ecs:us-east-1:123456789012:task/bench/"
                        + t
                        + "\",\"lastStatus\":\"PROVISIONING\"}],\"failures\":[]}"));
          });
      EcsLauncher launcher =
          EcsTestConfig.launcher(
              fake.endpoint(),
              Map.of(
                  "stevedore.orchestrator.ecs.run-task-burst", burst,
                  "stevedore.orchestrator.ecs.run-task-rate", rate,
                  "stevedore.orchestrator.ecs.max-call-attempts", "12",
                  "stevedore.orchestrator.ecs.call-backoff", "50ms",
                  "stevedore.orchestrator.ecs.max-call-backoff", "2s"));
      AtomicInteger failed = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      long start = System.nanoTime();
      for (int i = 0; i < launches; i++) {
        pool.submit(
            () -> {
              UUID attempt = UUID.randomUUID();
              LaunchIntent intent =
                  launcher.intent(attempt, UUID.randomUUID(), "s", 1, Instant.now(), null);
              try {
                launcher.launch(
                    intent,
                    new LaunchSpec(
                        attempt, List.of(), Map.of(), 256, 512, null, "load", List.of("load")));
              } catch (Exception e) {
                failed.incrementAndGet();
              }
            });
      }
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.MINUTES);
      double seconds = (System.nanoTime() - start) / 1e9;
      int twice = (int) started.values().stream().filter(c -> c.get() > 1).count();
      return new Result(name, launches, seconds, throttles.get(), failed.get(), twice);
    }
  }
}
