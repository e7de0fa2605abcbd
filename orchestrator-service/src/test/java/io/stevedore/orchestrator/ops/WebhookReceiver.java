package io.stevedore.orchestrator.ops;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 (the JDK's) that receives alert webhooks, configured as {@code
 * stevedore.alerts.webhooks}. It answers 503 to the next {@link #FAIL_NEXT} requests, then 204.
 */
public class WebhookReceiver implements QuarkusTestResourceLifecycleManager {

  /** A received POST. */
  public record Received(String alertId, String attempt, String body, int answered) {}

  static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
  static final AtomicInteger FAIL_NEXT = new AtomicInteger();

  private HttpServer server;

  @Override
  public Map<String, String> start() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the webhook receiver", e);
    }
    server.createContext(
        "/hook",
        exchange -> {
          String body;
          try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
          int status = FAIL_NEXT.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 204;
          RECEIVED.add(
              new Received(
                  exchange.getRequestHeaders().getFirst("X-Stevedore-Alert-Id"),
                  exchange.getRequestHeaders().getFirst("X-Stevedore-Delivery-Attempt"),
                  body,
                  status));
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
    return Map.of(
        "stevedore.alerts.webhooks",
        "http://127.0.0.1:" + server.getAddress().getPort() + "/hook?token=s3cret");
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
  }
}
