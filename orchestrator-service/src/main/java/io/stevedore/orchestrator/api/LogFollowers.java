package io.stevedore.orchestrator.api;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.stevedore.common.http.ApiException;
import io.stevedore.orchestrator.service.StageLogs;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The threads that follow logs for server-sent-event clients (a follower waits for new lines, so it
 * gets its own thread instead of holding an HTTP worker). At most {@link #MAX} at once; one more is
 * refused with 503.
 *
 * <p>A follow is a {@link Multi} of events: the REST layer writes the response head first and only
 * then subscribes, which starts the follower, so no event can race the head (a follower writing to
 * an {@code SseEventSink} while the request thread was still setting up the response could lose the
 * stream after its first event). The follower emits one event at a time, as the writer asks for it
 * after writing the one before, so a slow client holds the follower back instead of filling memory.
 */
@ApplicationScoped
public class LogFollowers {

  static final int MAX = 64;

  private static final Logger LOG = Logger.getLogger(LogFollowers.class);

  private final StageLogs logs;
  // Room beyond MAX: the check in follow() reserves nothing, and a follow that passed it is only
  // started (and counted) once its response head is written, after which a refusal is no 503.
  private final ThreadPoolExecutor threads =
      new ThreadPoolExecutor(
          0,
          2 * MAX,
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

  /**
   * The located attempt's log as events, followed on a follower thread once subscribed; 503 at once
   * when all followers are busy.
   */
  Multi<OutboundSseEvent> follow(StageLogs.Located located, int tail, Sse sse) {
    if (following() >= MAX) {
      throw busy();
    }
    return Multi.createFrom()
        .emitter(
            emitter -> {
              try {
                threads.execute(() -> run(located, tail, new Paced(emitter), sse));
              } catch (RejectedExecutionException e) {
                // Shutting down, or far more follows at once than MAX passed the check together.
                emitter.fail(busy());
              }
            });
  }

  /** How many logs are being followed now. */
  int following() {
    return threads.getActiveCount();
  }

  private static ApiException busy() {
    return ApiException.unavailable(
        "too many logs are followed at once (" + MAX + "); try again later");
  }

  private void run(StageLogs.Located located, int tail, Paced out, Sse sse) {
    try {
      String status =
          logs.follow(located, tail, line -> out.emit(sse.newEvent(line)), out::cancelled);
      if (status != null) {
        out.emit(sse.newEvent("end", status));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warnf(
          "following the log of stage attempt %s stopped: %s",
          located.attempt().id(), e.getMessage());
    } finally {
      out.complete();
    }
  }

  /** An emitter that waits for the subscriber's demand before each event. */
  private static final class Paced {

    private final MultiEmitter<? super OutboundSseEvent> emitter;
    private final Object demand = new Object();

    Paced(MultiEmitter<? super OutboundSseEvent> emitter) {
      this.emitter = emitter;
      emitter.onRequest(n -> wake());
      emitter.onTermination(this::wake);
    }

    private void wake() {
      synchronized (demand) {
        demand.notifyAll();
      }
    }

    boolean cancelled() {
      return emitter.isCancelled();
    }

    /** Emits once the subscriber asks for it; drops the event if the client went away. */
    void emit(OutboundSseEvent event) {
      synchronized (demand) {
        while (emitter.requested() == 0 && !emitter.isCancelled()) {
          try {
            demand.wait(100);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
      if (!emitter.isCancelled()) {
        emitter.emit(event);
      }
    }

    void complete() {
      if (!emitter.isCancelled()) {
        emitter.complete();
      }
    }
  }
}
