package io.stevedore.orchestrator.service;

import io.stevedore.orchestrator.config.OrchestratorConfig;
import io.stevedore.orchestrator.domain.FailureClassifier;
import io.stevedore.orchestrator.domain.StageStatus;
import io.stevedore.orchestrator.domain.StopInfo;
import io.stevedore.orchestrator.store.WatchdogStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Stops attempts that went silent or never got going, so that their stage is retried (up to its
 * attempts) instead of hanging until its timeout. Run by the dispatcher on each pass.
 *
 * <ul>
 *   <li>a RUNNING attempt whose worker sent a heartbeat, but none for {@code heartbeat-timeout}:
 *       {@code HEARTBEAT_LOST};
 *   <li>an attempt LAUNCHING for more than {@code launching-limit} (no task was confirmed): {@code
 *       PLATFORM};
 *   <li>a started task still pending (ECS PROVISIONING, PENDING, ACTIVATING) after {@code
 *       pending-limit}: {@code PLATFORM}.
 * </ul>
 */
@ApplicationScoped
public class Watchdog {

  private static final Logger LOG = Logger.getLogger(Watchdog.class);

  private final WatchdogStore store;
  private final RunEngine engine;
  private final OrchestratorConfig config;

  Watchdog(WatchdogStore store, RunEngine engine, OrchestratorConfig config) {
    this.store = store;
    this.engine = engine;
    this.config = config;
  }

  /** One round; returns how many attempts were stopped. */
  public int check(Instant now) {
    int stopped = 0;
    Duration silence = config.heartbeatTimeout();
    for (WatchdogStore.Suspect s : store.silentSince(now.minus(silence))) {
      String why =
          "no heartbeat for "
              + Duration.between(s.since(), now).toSeconds()
              + " s (heartbeat-timeout "
              + silence
              + "); the task was stopped";
      stopped += stop(s, Set.of(StageStatus.RUNNING), FailureClassifier.HEARTBEAT_LOST_CODE, why);
    }
    Duration launching = config.launchingLimit();
    for (WatchdogStore.Suspect s : store.launchingSince(now.minus(launching))) {
      String why =
          "stuck in LAUNCHING for more than "
              + launching
              + " (launching-limit): the launcher never confirmed a task";
      stopped += stop(s, Set.of(StageStatus.LAUNCHING), "TaskFailedToStart", why);
    }
    Duration pending = config.pendingLimit();
    for (WatchdogStore.Suspect s : store.pendingSince(now.minus(pending))) {
      String why =
          "task stuck in a pending state for more than "
              + pending
              + " (pending-limit): it never reached RUNNING";
      stopped +=
          stop(s, Set.of(StageStatus.LAUNCHING, StageStatus.RUNNING), "TaskFailedToStart", why);
    }
    return stopped;
  }

  private int stop(
      WatchdogStore.Suspect suspect, Set<StageStatus> expected, String stopCode, String why) {
    boolean done =
        engine.abandon(
            suspect.stageRunId(), expected, new StopInfo(stopCode, why, null, null, false));
    if (done) {
      LOG.warnf("stage %s attempt %s: %s", suspect.stageId(), suspect.stageRunId(), why);
    }
    return done ? 1 : 0;
  }
}
