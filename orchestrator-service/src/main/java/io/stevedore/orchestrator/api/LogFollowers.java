package io.stevedore.orchestrator.api;

import io.stevedore.common.http.ApiException;
import io.stevedore.orchestrator.service.StageLogs;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The threads that follow logs for server-sent-event clients (a follower waits for new lines, so it
 * gets its own thread instead of holding an HTTP worker). At most {@link #MAX} at once; one more is
 * refused with 503.
 */
@ApplicationScoped
public class LogFollowers {

  static final int MAX = 64;

  private static final Logger LOG = Logger.getLogger(LogFollowers.class);

  private final StageLogs logs;
  private final ThreadPoolExecutor threads =
      new ThreadPoolExecutor(
          0,
          MAX,
          30,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          r -> {
            Thread t = new Thread(r, "log-follower");
            t.setDaemon(true);
            return t;
          });

  LogFollowers(StageLogs logs) {
    this.logs = logs;
  }

  @PreDestroy
  void close() {
    threads.shutdownNow();
  }

  /** Streams the located attempt's log to the sink on a follower thread. */
  void start(StageLogs.Located located, int tail, SseEventSink sink, Sse sse) {
    try {
      threads.execute(() -> run(located, tail, sink, sse));
    } catch (RejectedExecutionException e) {
      throw ApiException.unavailable(
          "too many logs are followed at once (" + MAX + "); try again later");
    }
  }

  private void run(StageLogs.Located located, int tail, SseEventSink sink, Sse sse) {
    AtomicBoolean gone = new AtomicBoolean();
    try (sink) {
      String status =
          logs.follow(
              located,
              tail,
              line -> {
                if (gone.get()) {
                  return;
                }
                try {
                  sink.send(sse.newEvent(line)).toCompletableFuture().join();
                } catch (CompletionException | IllegalStateException e) {
                  gone.set(true);
                }
              },
              () -> gone.get() || sink.isClosed());
      if (status != null && !gone.get()) {
        sink.send(sse.newEvent("end", status)).toCompletableFuture().join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warnf(
          "following the log of stage attempt %s stopped: %s",
          located.attempt().id(), e.getMessage());
    }
  }
}
