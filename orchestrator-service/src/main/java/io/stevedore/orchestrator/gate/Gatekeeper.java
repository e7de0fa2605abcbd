package io.stevedore.orchestrator.gate;

import io.stevedore.orchestrator.config.OrchestratorConfig;
import io.stevedore.orchestrator.config.OrchestratorConfig.GateMode;
import io.stevedore.orchestrator.domain.StopInfo;
import io.stevedore.orchestrator.store.GateDecisionStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The security-gate hook: asked before every launch of an image, it gets the gate's verdict (cached
 * per team and image for {@code cache-ttl}), records the decision, and says whether the launch may
 * go on. Modes: {@code enforce} refuses a FAIL; {@code warn} records and logs it and lets it run;
 * {@code off} asks nothing. Without a configured gate every launch is allowed, with one warning in
 * the log, and nothing is recorded.
 */
@ApplicationScoped
public class Gatekeeper {

  private static final Logger LOG = Logger.getLogger(Gatekeeper.class);

  /** Stop code of a launch the gate refused (class USER_ERROR: not retried by default). */
  public static final String REFUSED = "StevedoreSecurityRefused";

  /** Stop code of a launch refused because no verdict could be had (class PLATFORM). */
  public static final String UNAVAILABLE = "StevedoreSecurityGateUnavailable";

  private record Key(UUID teamId, String image) {}

  private record Cached(GateAnswer answer, Instant until) {}

  private final OrchestratorConfig.SecurityGate config;
  private final SecurityGateClient client;
  private final GateDecisionStore decisions;
  private final Clock clock;
  private final Map<Key, Cached> cache = new ConcurrentHashMap<>();
  private final AtomicBoolean warnedNoGate = new AtomicBoolean();

  Gatekeeper(
      OrchestratorConfig config,
      SecurityGateClient client,
      GateDecisionStore decisions,
      Clock clock) {
    this.config = config.securityGate();
    this.client = client;
    this.decisions = decisions;
    this.clock = clock;
  }

  /** Whether the hook asks anything at all. */
  public boolean enabled() {
    return config.mode() != GateMode.OFF;
  }

  /**
   * Decides on a launch: empty to go on, or the stop that refuses it. Records the decision. Call it
   * outside any transaction: it may wait for the gate.
   */
  public Optional<StopInfo> check(GateSubject subject) {
    GateMode mode = config.mode();
    if (mode == GateMode.OFF) {
      return Optional.empty();
    }
    if (!client.configured()) {
      // Nothing to record per launch: there is no verdict. Said once, not written on every launch.
      if (warnedNoGate.compareAndSet(false, true)) {
        LOG.warn(
            "no security gate is configured (stevedore.orchestrator.security-gate.url):"
                + " images are launched without a verdict");
      }
      return Optional.empty();
    }
    GateAnswer answer = answer(subject);
    boolean allowed;
    String reason;
    StopInfo stop = null;
    switch (answer.verdict()) {
      case "FAIL" -> {
        allowed = mode != GateMode.ENFORCE || answer.policyAllows();
        reason =
            (!allowed
                    ? "refused: "
                    : answer.policyAllows()
                        ? "allowed by the team's policy enforcement (warn) despite "
                        : "allowed in warn mode despite ")
                + "security-gate verdict "
                + answer.detail();
        if (!allowed) {
          stop =
              new StopInfo(
                  REFUSED,
                  "image "
                      + subject.image()
                      + (answer.digest() == null ? "" : " (" + answer.digest() + ")")
                      + " refused by security-gate: "
                      + answer.detail(),
                  null,
                  null,
                  false);
        }
      }
      case "UNKNOWN" -> {
        allowed = mode != GateMode.ENFORCE || !config.refuseUnknown();
        reason =
            (allowed ? "allowed without a verdict: " : "refused without a verdict: ")
                + answer.detail();
        if (!allowed) {
          stop =
              new StopInfo(
                  UNAVAILABLE,
                  "no security-gate verdict for image " + subject.image() + ": " + answer.detail(),
                  null,
                  null,
                  false);
        }
      }
      default -> {
        allowed = true;
        reason = answer.detail();
      }
    }
    if (!allowed || !"PASS".equals(answer.verdict())) {
      LOG.warnf(
          "security gate (%s) on image %s of stage %s, run %s: %s",
          mode.name().toLowerCase(), subject.image(), subject.stageId(), subject.runId(), reason);
    }
    record(subject, answer, mode, allowed, reason);
    return Optional.ofNullable(stop);
  }

  private GateAnswer answer(GateSubject subject) {
    Key key = new Key(subject.teamId(), subject.image());
    Instant now = clock.instant();
    Cached cached = cache.get(key);
    if (cached != null && cached.until().isAfter(now)) {
      return cached.answer();
    }
    GateAnswer answer = client.admit(subject.team(), subject.image());
    if (answer.isKnown()) {
      cache.put(key, new Cached(answer, now.plus(config.cacheTtl())));
    }
    return answer;
  }

  /** One autocommitted insert: the decision stays recorded whatever becomes of the launch. */
  private void record(
      GateSubject subject, GateAnswer answer, GateMode mode, boolean allowed, String reason) {
    decisions.insert(
        new GateDecisionStore.Decision(
            UUID.randomUUID(),
            subject.stageRunId(),
            subject.runId(),
            subject.stageId(),
            subject.image(),
            answer.digest(),
            answer.verdict(),
            mode.name(),
            allowed,
            reason,
            answer.findings().toString(),
            clock.instant()),
        subject.teamId());
  }
}
