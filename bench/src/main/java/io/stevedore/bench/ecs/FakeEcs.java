package io.stevedore.bench.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A fake ECS control plane on 127.0.0.1 that speaks the ECS JSON 1.1 protocol ({@code X-Amz-Target:
 * AmazonEC2ContainerServiceV20141113.<Operation>}) for RunTask, DescribeTasks, StopTask and
 * ListTasks, and enforces what makes real ECS hard to drive fast:
 *
 * <ul>
 *   <li>the <b>Fargate task launch rate</b>: a bucket of {@code launchBurst} tasks (100) refilled
 *       at {@code launchRate} tasks per second (20); a RunTask that would launch more tasks than
 *       the bucket holds fails whole;
 *   <li>the <b>API rate buckets</b>, one per group of actions: RunTask, task reads (DescribeTasks
 *       and ListTasks) and StopTask, each with its burst and sustained rate;
 * </ul>
 *
 * and answers a call over a limit with HTTP 400 {@code ThrottlingException} "Rate exceeded", as ECS
 * does. RunTask is idempotent on {@code clientToken}: a repeated token answers the task(s) of the
 * first call and launches nothing. Tasks move PROVISIONING, RUNNING (after {@code runningAfter})
 * and STOPPED with exit code 0 (after {@code stoppedAfter}), or STOPPED at once after StopTask;
 * each change can be published as an EventBridge "ECS Task State Change" to a sink.
 *
 * <p>It counts calls and throttles per action, launches, throttled RunTask calls whose client token
 * later succeeded (retried), and <b>tasks started twice</b>: more than one task for one stage
 * attempt, keyed by the {@code STEVEDORE_STAGE_RUN_ID} of the container overrides (or the client
 * token when there is none).
 */
public final class FakeEcs implements AutoCloseable {

  static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
  static final String ACCOUNT = "000000000000";
  static final String REGION = "us-east-1";

  /** The actions it serves. */
  public enum Action {
    RunTask,
    DescribeTasks,
    StopTask,
    ListTasks
  }

  /**
   * Rates and task timing.
   *
   * @param launchBurst Fargate tasks launched at once at most
   * @param launchRate Fargate tasks launched per second, sustained
   * @param runTaskBurst RunTask calls at once
   * @param runTaskRate RunTask calls per second
   * @param readBurst DescribeTasks and ListTasks calls at once
   * @param readRate DescribeTasks and ListTasks calls per second
   * @param stopBurst StopTask calls at once
   * @param stopRate StopTask calls per second
   * @param runningAfter how long a task stays PROVISIONING
   * @param stoppedAfter how long after its launch a task stops by itself with exit code 0
   */
  public record Limits(
      int launchBurst,
      double launchRate,
      int runTaskBurst,
      double runTaskRate,
      int readBurst,
      double readRate,
      int stopBurst,
      double stopRate,
      Duration runningAfter,
      Duration stoppedAfter) {

    /**
     * Fargate's documented launch rate (20 tasks/s, burst 100). The API buckets are ECS's request
     * throttling defaults as we know them (RunTask 100/40 per second, task reads 100/20, StopTask
     * 100/40); each is a parameter, so a different account quota is one argument away.
     */
    public static Limits fargate() {
      return new Limits(
          100, 20, 100, 40, 100, 20, 100, 40, Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    public Limits withTaskTiming(Duration running, Duration stopped) {
      return new Limits(
          launchBurst,
          launchRate,
          runTaskBurst,
          runTaskRate,
          readBurst,
          readRate,
          stopBurst,
          stopRate,
          running,
          stopped);
    }
  }

  /** What happened so far. */
  public record Stats(
      Map<Action, Long> calls,
      Map<Action, Long> throttled,
      long launched,
      long launchThrottles,
      long replays,
      long throttledTokens,
      long retriedTokens,
      long startedTwice,
      long firstLaunchNanos,
      long lastLaunchNanos) {

    /** Launches per second from the first to the last. */
    public double launchRate() {
      return launched < 2 ? 0 : (launched - 1) / ((lastLaunchNanos - firstLaunchNanos) / 1e9);
    }

    public long throttledTotal() {
      return throttled.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final ObjectMapper json = new ObjectMapper();
  private final Limits limits;
  private final LongSupplier nanoTime;
  private final TokenBucket launches;
  private final Map<Action, TokenBucket> buckets = new EnumMap<>(Action.class);
  private final Map<Action, AtomicLong> calls = new EnumMap<>(Action.class);
  private final Map<Action, AtomicLong> throttled = new EnumMap<>(Action.class);
  private final AtomicLong launchThrottles = new AtomicLong();
  private final AtomicLong replays = new AtomicLong();
  private final HttpServer server;
  private final ExecutorService executor;
  private volatile Consumer<String> events = e -> {};

  // Guarded by this.
  private final Map<String, Task> tasks = new LinkedHashMap<>();
  private final Map<String, List<String>> byToken = new HashMap<>();
  private final Map<String, Integer> perAttempt = new HashMap<>();
  private final Set<String> throttledTokens = new HashSet<>();
  private final Set<String> retriedTokens = new HashSet<>();
  private long launched;
  private long firstLaunch;
  private long lastLaunch;

  /** A fake on a free loopback port, on the wall clock. */
  public static FakeEcs start(Limits limits) throws IOException {
    return new FakeEcs(limits, System::nanoTime);
  }

  /** A fake whose buckets and task timing follow {@code nanoTime} (for checks driven by hand). */
  public FakeEcs(Limits limits, LongSupplier nanoTime) throws IOException {
    this.limits = limits;
    this.nanoTime = nanoTime;
    this.launches = new TokenBucket(limits.launchBurst(), limits.launchRate(), nanoTime);
    buckets.put(
        Action.RunTask, new TokenBucket(limits.runTaskBurst(), limits.runTaskRate(), nanoTime));
    TokenBucket reads = new TokenBucket(limits.readBurst(), limits.readRate(), nanoTime);
    buckets.put(Action.DescribeTasks, reads);
    buckets.put(Action.ListTasks, reads);
    buckets.put(Action.StopTask, new TokenBucket(limits.stopBurst(), limits.stopRate(), nanoTime));
    for (Action a : Action.values()) {
      calls.put(a, new AtomicLong());
      throttled.put(a, new AtomicLong());
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public Limits limits() {
    return limits;
  }

  /** Where to point an ECS client ({@code endpointOverride}). */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Publishes every task state change as an EventBridge event (JSON) to {@code sink}. */
  public void onEvent(Consumer<String> sink) {
    this.events = sink;
  }

  public synchronized Stats stats() {
    Map<Action, Long> c = new EnumMap<>(Action.class);
    Map<Action, Long> t = new EnumMap<>(Action.class);
    calls.forEach((k, v) -> c.put(k, v.get()));
    throttled.forEach((k, v) -> t.put(k, v.get()));
    long twice = perAttempt.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
    return new Stats(
        c,
        t,
        launched,
        launchThrottles.get(),
        replays.get(),
        throttledTokens.size(),
        retriedTokens.size(),
        twice,
        firstLaunch,
        lastLaunch);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ------------------------------------------------------------------ protocol

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (!"POST".equals(exchange.getRequestMethod())
          || target == null
          || !target.startsWith(TARGET_PREFIX)) {
        error(exchange, "UnknownOperationException", "expected a POST with X-Amz-Target");
        return;
      }
      Action action;
      try {
        action = Action.valueOf(target.substring(TARGET_PREFIX.length()));
      } catch (IllegalArgumentException e) {
        error(exchange, "UnknownOperationException", "operation not served: " + target);
        return;
      }
      JsonNode request;
      try {
        request = json.readTree(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body);
      } catch (IOException e) {
        error(exchange, "SerializationException", "body is not JSON");
        return;
      }
      calls.get(action).incrementAndGet();
      if (!buckets.get(action).tryTake(1)) {
        throttled.get(action).incrementAndGet();
        if (action == Action.RunTask && request.hasNonNull("clientToken")) {
          synchronized (this) {
            throttledTokens.add(request.get("clientToken").asText());
          }
        }
        error(exchange, "ThrottlingException", "Rate exceeded");
        return;
      }
      ObjectNode answer;
      try {
        answer =
            switch (action) {
              case RunTask -> runTask(request);
              case DescribeTasks -> describeTasks(request);
              case StopTask -> stopTask(request);
              case ListTasks -> listTasks(request);
            };
      } catch (Throttled e) {
        throttled.get(action).incrementAndGet();
        error(exchange, "ThrottlingException", e.getMessage());
        return;
      } catch (IllegalArgumentException e) {
        error(exchange, "InvalidParameterException", e.getMessage());
        return;
      }
      send(exchange, 200, answer);
    }
  }

  private void error(HttpExchange exchange, String type, String message) throws IOException {
    ObjectNode body = json.createObjectNode().put("__type", type).put("message", message);
    exchange.getResponseHeaders().add("x-amzn-ErrorType", type);
    send(exchange, 400, body);
  }

  private void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The Fargate launch bucket had too few tokens. */
  private static final class Throttled extends RuntimeException {
    Throttled(String message) {
      super(message, null, false, false);
    }
  }

  // ------------------------------------------------------------------ actions

  private synchronized ObjectNode runTask(JsonNode request) {
    String cluster = cluster(request);
    String token = text(request, "clientToken");
    ObjectNode answer = json.createObjectNode();
    ArrayNode out = answer.putArray("tasks");
    answer.putArray("failures");
    if (token != null && byToken.containsKey(token)) {
      replays.incrementAndGet();
      retried(token);
      for (String arn : byToken.get(token)) {
        out.add(render(advance(tasks.get(arn))));
      }
      return answer;
    }
    if (!request.hasNonNull("taskDefinition")) {
      throw new IllegalArgumentException("taskDefinition is required");
    }
    int count = request.path("count").asInt(1);
    if (count < 1 || count > 10) {
      throw new IllegalArgumentException("count must be between 1 and 10, was " + count);
    }
    if (!launches.tryTake(count)) {
      launchThrottles.incrementAndGet();
      if (token != null) {
        throttledTokens.add(token);
      }
      throw new Throttled("Rate exceeded");
    }
    retried(token);
    long now = nanoTime.getAsLong();
    List<String> arns = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Task task = new Task();
      task.arn =
          "arn:aws:ecs:"
              + REGION
              + ":"
              + ACCOUNT
              + ":task/"
              + cluster
              + "/"
              + UUID.randomUUID().toString().replace("-", "");
      task.cluster = cluster;
      task.taskDefinition = request.get("taskDefinition").asText();
      task.startedBy = text(request, "startedBy");
      task.group = text(request, "group");
      task.overrides = request.path("overrides").deepCopy();
      task.tags = request.path("tags").deepCopy();
      JsonNode strategy = request.path("capacityProviderStrategy");
      task.capacityProvider =
          strategy.isArray() && !strategy.isEmpty()
              ? strategy.get(0).path("capacityProvider").asText()
              : null;
      task.launchType = task.capacityProvider == null ? text(request, "launchType") : null;
      task.createdNanos = now;
      task.createdEpochMillis = System.currentTimeMillis();
      task.lastStatus = "PROVISIONING";
      tasks.put(task.arn, task);
      arns.add(task.arn);
      String attempt = attemptKey(task, token);
      perAttempt.merge(attempt, 1, Integer::sum);
      if (launched == 0) {
        firstLaunch = now;
      }
      launched++;
      lastLaunch = now;
      out.add(render(task));
      publish(task);
    }
    if (token != null) {
      byToken.put(token, arns);
    }
    return answer;
  }

  private void retried(String token) {
    if (token != null && throttledTokens.contains(token)) {
      retriedTokens.add(token);
    }
  }

  private synchronized ObjectNode describeTasks(JsonNode request) {
    JsonNode arns = request.path("tasks");
    if (!arns.isArray() || arns.isEmpty() || arns.size() > 100) {
      throw new IllegalArgumentException("tasks must name 1 to 100 tasks");
    }
    ObjectNode answer = json.createObjectNode();
    ArrayNode out = answer.putArray("tasks");
    ArrayNode failures = answer.putArray("failures");
    for (JsonNode arn : arns) {
      Task task = find(arn.asText());
      if (task == null) {
        failures.addObject().put("arn", arn.asText()).put("reason", "MISSING");
      } else {
        out.add(render(advance(task)));
      }
    }
    return answer;
  }

  private synchronized ObjectNode stopTask(JsonNode request) {
    Task task = find(text(request, "task"));
    if (task == null) {
      throw new IllegalArgumentException("The referenced task was not found.");
    }
    advance(task);
    if (!"STOPPED".equals(task.lastStatus)) {
      task.stopCode = "UserInitiated";
      String reason = text(request, "reason");
      task.stoppedReason = reason == null ? "Task stopped by user" : reason;
      task.exitCode = null;
      task.stoppedEpochMillis = System.currentTimeMillis();
      task.lastStatus = "STOPPED";
      publish(task);
    }
    return json.createObjectNode().set("task", render(task));
  }

  private synchronized ObjectNode listTasks(JsonNode request) {
    String cluster = cluster(request);
    String startedBy = text(request, "startedBy");
    String desired = request.path("desiredStatus").asText("RUNNING");
    String family = text(request, "family");
    int max = request.path("maxResults").asInt(100);
    int from = request.hasNonNull("nextToken") ? Integer.parseInt(text(request, "nextToken")) : 0;
    List<String> matching = new ArrayList<>();
    for (Task task : tasks.values()) {
      advance(task);
      boolean stopped = "STOPPED".equals(task.lastStatus);
      if (task.cluster.equals(cluster)
          && (startedBy == null || startedBy.equals(task.startedBy))
          && (family == null || task.taskDefinition.startsWith(family))
          && (desired.equals("STOPPED") == stopped)) {
        matching.add(task.arn);
      }
    }
    ObjectNode answer = json.createObjectNode();
    ArrayNode arns = answer.putArray("taskArns");
    for (int i = from; i < Math.min(matching.size(), from + max); i++) {
      arns.add(matching.get(i));
    }
    if (from + max < matching.size()) {
      answer.put("nextToken", Integer.toString(from + max));
    }
    return answer;
  }

  // ------------------------------------------------------------------ tasks

  /** One task. Guarded by the fake's lock. */
  private static final class Task {
    String arn;
    String cluster;
    String taskDefinition;
    String startedBy;
    String group;
    String capacityProvider;
    String launchType;
    JsonNode overrides;
    JsonNode tags;
    long createdNanos;
    long createdEpochMillis;
    String lastStatus;
    String stopCode;
    String stoppedReason;
    Integer exitCode;
    long stoppedEpochMillis;
  }

  private Task find(String arnOrId) {
    if (arnOrId == null) {
      return null;
    }
    Task task = tasks.get(arnOrId);
    if (task != null) {
      return task;
    }
    for (Task t : tasks.values()) {
      if (t.arn.endsWith("/" + arnOrId)) {
        return t;
      }
    }
    return null;
  }

  /** Moves a task along its timeline. */
  private Task advance(Task task) {
    if ("STOPPED".equals(task.lastStatus)) {
      return task;
    }
    long age = nanoTime.getAsLong() - task.createdNanos;
    if (age >= limits.stoppedAfter().toNanos()) {
      task.lastStatus = "STOPPED";
      task.stopCode = "EssentialContainerExited";
      task.stoppedReason = "Essential container in task exited";
      task.exitCode = 0;
      task.stoppedEpochMillis = System.currentTimeMillis();
      publish(task);
    } else if (age >= limits.runningAfter().toNanos() && "PROVISIONING".equals(task.lastStatus)) {
      task.lastStatus = "RUNNING";
      publish(task);
    }
    return task;
  }

  /** Advances every task (for a driver that wants state-change events without calls). */
  public synchronized void tick() {
    tasks.values().forEach(this::advance);
  }

  private ObjectNode render(Task task) {
    ObjectNode t = json.createObjectNode();
    t.put("taskArn", task.arn);
    t.put("clusterArn", "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/" + task.cluster);
    t.put("taskDefinitionArn", task.taskDefinition);
    t.put("lastStatus", task.lastStatus);
    t.put("desiredStatus", "STOPPED".equals(task.lastStatus) ? "STOPPED" : "RUNNING");
    t.put("createdAt", task.createdEpochMillis / 1000.0);
    if (task.startedBy != null) {
      t.put("startedBy", task.startedBy);
    }
    if (task.group != null) {
      t.put("group", task.group);
    }
    if (task.capacityProvider != null) {
      t.put("capacityProviderName", task.capacityProvider);
      t.put("launchType", "FARGATE");
    } else if (task.launchType != null) {
      t.put("launchType", task.launchType);
    }
    t.set("overrides", task.overrides == null ? json.createObjectNode() : task.overrides);
    if (task.tags != null && task.tags.isArray()) {
      t.set("tags", task.tags);
    }
    ObjectNode container = t.putArray("containers").addObject();
    String name = task.overrides == null ? null : firstContainerName(task.overrides);
    container.put("name", name == null ? "main" : name);
    container.put("lastStatus", task.lastStatus);
    if ("STOPPED".equals(task.lastStatus)) {
      t.put("stopCode", task.stopCode);
      t.put("stoppedReason", task.stoppedReason);
      t.put("stoppedAt", task.stoppedEpochMillis / 1000.0);
      if (task.exitCode != null) {
        container.put("exitCode", task.exitCode);
      }
    }
    return t;
  }

  private static String firstContainerName(JsonNode overrides) {
    JsonNode c = overrides.path("containerOverrides");
    return c.isArray() && !c.isEmpty() && c.get(0).hasNonNull("name")
        ? c.get(0).get("name").asText()
        : null;
  }

  private void publish(Task task) {
    ObjectNode event = json.createObjectNode();
    event.put("version", "0");
    event.put("id", UUID.randomUUID().toString());
    event.put("detail-type", "ECS Task State Change");
    event.put("source", "aws.ecs");
    event.put("account", ACCOUNT);
    event.put("region", REGION);
    event.putArray("resources").add(task.arn);
    event.set("detail", render(task));
    try {
      events.accept(json.writeValueAsString(event));
    } catch (IOException | RuntimeException e) {
      // a sink that fails loses the event, as EventBridge may: the reconciler repairs it
    }
  }

  private static String attemptKey(Task task, String token) {
    JsonNode containers = task.overrides.path("containerOverrides");
    if (containers.isArray()) {
      for (JsonNode c : containers) {
        for (JsonNode env : c.path("environment")) {
          if ("STEVEDORE_STAGE_RUN_ID".equals(env.path("name").asText())) {
            return env.path("value").asText();
          }
        }
      }
    }
    return token != null ? "token:" + token : "task:" + task.arn;
  }

  private static String cluster(JsonNode request) {
    String cluster = text(request, "cluster");
    if (cluster == null) {
      return "default";
    }
    int slash = cluster.lastIndexOf('/');
    return slash >= 0 ? cluster.substring(slash + 1) : cluster;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** A one-line summary for reports. */
  public static String describe(Stats s) {
    return String.format(
        Locale.ROOT,
        "launched %d (%.1f/s), RunTask calls %d (throttled %d, of which the Fargate launch rate %d),"
            + " DescribeTasks %d (throttled %d), ListTasks %d (throttled %d), StopTask %d"
            + " (throttled %d); client-token replays %d; throttled tokens %d, retried %d; tasks"
            + " started twice %d",
        s.launched(),
        s.launchRate(),
        s.calls().get(Action.RunTask),
        s.throttled().get(Action.RunTask),
        s.launchThrottles(),
        s.calls().get(Action.DescribeTasks),
        s.throttled().get(Action.DescribeTasks),
        s.calls().get(Action.ListTasks),
        s.throttled().get(Action.ListTasks),
        s.calls().get(Action.StopTask),
        s.throttled().get(Action.StopTask),
        s.replays(),
        s.throttledTokens(),
        s.retriedTokens(),
        s.startedTwice());
  }
}
