package io.stevedore.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * A recording HTTP proxy in front of an AWS JSON-protocol API (moto, in tests), bound to 127.0.0.1.
 * It shows what a client really sent ({@link #calls}: operation from {@code X-Amz-Target} and the
 * request body, before any rewrite), injects faults ({@link #inject}: throttling, RunTask capacity
 * failures, any canned answer) and can rewrite requests the emulator does not understand ({@link
 * #rewrite}) while the recording keeps the original.
 */
public final class AwsApiProxy implements AutoCloseable {

  /** One request as it arrived, and what was answered. */
  public record Call(String operation, String body, int status, String response, boolean injected) {
    /** Whether the request body contains the text. */
    public boolean sent(String text) {
      return body.contains(text);
    }
  }

  /** A canned answer. */
  public record Reply(int status, String body) {}

  /** Answers a request instead of the target, or not (empty). */
  @FunctionalInterface
  public interface Rule {
    Optional<Reply> answer(String operation, String body);
  }

  private static final Set<String> HOP_HEADERS =
      Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding");

  private final URI target;
  private final HttpServer server;
  private final ExecutorService executor =
      Executors.newFixedThreadPool(
          8,
          r -> {
            Thread t = new Thread(r, "aws-api-proxy");
            t.setDaemon(true);
            return t;
          });
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private volatile BiFunction<String, String, String> rewrite = (operation, body) -> body;

  private AwsApiProxy(URI target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a proxy in front of {@code target} (for example moto's endpoint). */
  public static AwsApiProxy start(String target) {
    try {
      return new AwsApiProxy(URI.create(target));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the AWS API proxy: " + e.getMessage(), e);
    }
  }

  /** The proxy's endpoint, to configure as the client's endpoint override. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every call so far, oldest first. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The calls of one operation ({@code RunTask}, {@code DescribeTasks}...). */
  public List<Call> calls(String operation) {
    return calls.stream().filter(c -> c.operation().equals(operation)).toList();
  }

  /** Forgets the calls, the rules and the rewrite. */
  public void reset() {
    calls.clear();
    rules.clear();
    rewrite = (operation, body) -> body;
  }

  /** Adds a rule; the first rule that answers wins, else the request goes to the target. */
  public void inject(Rule rule) {
    rules.add(rule);
  }

  /** Rewrites request bodies before they go to the target (the recording keeps the original). */
  public void rewrite(BiFunction<String, String, String> rewrite) {
    this.rewrite = rewrite;
  }

  /** Answers the next {@code times} calls of {@code operation} whose body matches with a reply. */
  public static Rule times(String operation, int times, Predicate<String> body, Reply reply) {
    AtomicInteger left = new AtomicInteger(times);
    return (op, b) ->
        op.equals(operation) && body.test(b) && left.getAndDecrement() > 0
            ? Optional.of(reply)
            : Optional.empty();
  }

  /** ECS's answer to a throttled call: 400 {@code ThrottlingException}, "Rate exceeded". */
  public static Reply throttling() {
    return new Reply(400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
  }

  /** A RunTask answer that started nothing, with one failure of this reason. */
  public static Reply runTaskFailure(String reason) {
    return new Reply(
        200,
        "{\"tasks\":[],\"failures\":[{\"arn\":\"arn:aws:ecs:us-east-1:123456789012:capacity-provider/x\","
            + "\"reason\":\""
            + reason
            + "\"}]}");
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] in = exchange.getRequestBody().readAllBytes();
      String body = new String(in, StandardCharsets.UTF_8);
      String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String operation =
          amzTarget == null ? "?" : amzTarget.substring(amzTarget.lastIndexOf('.') + 1);
      for (Rule rule : rules) {
        Optional<Reply> reply = rule.answer(operation, body);
        if (reply.isPresent()) {
          calls.add(new Call(operation, body, reply.get().status(), reply.get().body(), true));
          send(exchange, reply.get().status(), "application/x-amz-json-1.1", reply.get().body());
          return;
        }
      }
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(
                  target.resolve(
                      exchange.getRequestURI().getRawPath()
                          + (exchange.getRequestURI().getRawQuery() == null
                              ? ""
                              : "?" + exchange.getRequestURI().getRawQuery())))
              .timeout(Duration.ofSeconds(30))
              .method(
                  exchange.getRequestMethod(),
                  HttpRequest.BodyPublishers.ofString(rewrite.apply(operation, body)));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                  values.forEach(v -> forward.header(name, v));
                }
              });
      HttpResponse<String> response;
      try {
        response = client.send(forward.build(), HttpResponse.BodyHandlers.ofString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        send(exchange, 502, "text/plain", "interrupted");
        return;
      }
      calls.add(new Call(operation, body, response.statusCode(), response.body(), false));
      send(
          exchange,
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse("application/x-amz-json-1.1"),
          response.body());
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] out = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
    if (out.length > 0) {
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
