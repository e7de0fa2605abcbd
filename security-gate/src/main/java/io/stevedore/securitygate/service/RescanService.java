package io.stevedore.securitygate.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stevedore.securitygate.config.SecurityGateConfig;
import io.stevedore.securitygate.inventory.Inventory;
import io.stevedore.securitygate.store.ImageStore;
import io.stevedore.securitygate.store.ImageStore.ImageRow;
import io.stevedore.securitygate.store.PolicyStore;
import io.stevedore.securitygate.store.VerdictStore;
import io.stevedore.securitygate.store.VerdictStore.VerdictRow;
import io.stevedore.securitygate.verdict.SecurityGate;
import io.stevedore.securitygate.verdict.Verdict;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * After new advisories, evaluates recently seen images again from their stored inventories under
 * each team's latest policy, records the new verdicts, and raises an alert (an ERROR log line and
 * the counter {@code stevedore.security_gate.alerts}) when an image that did not fail now fails.
 * Runs on one background thread; requests arriving while one runs queue behind it.
 */
@ApplicationScoped
public class RescanService {

  private static final Logger LOG = Logger.getLogger(RescanService.class);
  private static final int MAX_IMAGES = 10_000;

  private final SecurityGate gate;
  private final ImageStore images;
  private final PolicyStore policies;
  private final VerdictStore verdicts;
  private final Json json;
  private final Clock clock;
  private final SecurityGateConfig config;
  private final Counter alerts;
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "security-gate-rescan");
            t.setDaemon(true);
            return t;
          });

  RescanService(
      SecurityGate gate,
      ImageStore images,
      PolicyStore policies,
      VerdictStore verdicts,
      Json json,
      Clock clock,
      SecurityGateConfig config,
      MeterRegistry metrics) {
    this.gate = gate;
    this.images = images;
    this.policies = policies;
    this.verdicts = verdicts;
    this.json = json;
    this.clock = clock;
    this.config = config;
    this.alerts = metrics.counter("stevedore.security_gate.alerts");
  }

  /** Starts a rescan in the background, when enabled. */
  public void requestRescan(String dataVersion) {
    if (!config.rescanOnImport()) {
      return;
    }
    executor.submit(
        () -> {
          try {
            rescan();
          } catch (RuntimeException e) {
            LOG.errorf(e, "rescan after advisory data %s failed", dataVersion);
          }
        });
  }

  /** Evaluates every image seen within the rescan window again; returns how many verdicts. */
  public int rescan() {
    Instant since = clock.instant().minus(config.rescanWindow());
    int count = 0;
    for (ImageRow image : images.seenSince(since, MAX_IMAGES)) {
      Inventory inventory = json.inventory(image.inventoryJson());
      for (VerdictRow previous : verdicts.latestPerTeamAndPolicy(image.digest())) {
        if (renew(inventory, previous)) {
          count++;
        }
      }
    }
    LOG.infof("rescan of images seen since %s: %d new verdicts", since, count);
    return count;
  }

  private boolean renew(Inventory inventory, VerdictRow previous) {
    Optional<String> team = verdicts.teamName(previous.teamId());
    Optional<PolicyStore.PolicyRow> policyRow =
        policies.latest(previous.teamId(), previous.policyName());
    if (team.isEmpty() || policyRow.isEmpty()) {
      return false;
    }
    PolicyService.StoredPolicy policy = PolicyService.stored(policyRow.get(), team.get());
    Verdict v =
        gate.reevaluate(
            inventory,
            previous.reference(),
            policy.policy(),
            json.findings(previous.findingsJson()));
    if (v.key().policyHash().equals(previous.policyHash())
        && v.key().advisoryVersion().equals(previous.advisoryVersion())) {
      return false;
    }
    VerdictRow row =
        new VerdictRow(
            UUID.randomUUID(),
            previous.teamId(),
            previous.imageDigest(),
            previous.policyName(),
            policyRow.get().version(),
            v.key().policyHash(),
            v.key().advisoryVersion(),
            v.status().name(),
            json.write(v.findings()),
            json.write(v.notes()),
            previous.reference(),
            VerdictStore.Trigger.RESCAN,
            v.evaluatedAt());
    boolean inserted = QuarkusTransaction.requiringNew().call(() -> verdicts.insert(row));
    if (inserted
        && v.status() == Verdict.Status.FAIL
        && !previous.verdict().equals(Verdict.Status.FAIL.name())) {
      alerts.increment();
      LOG.errorf(
          "ALERT security-gate: image %s (%s) now FAILS policy '%s' v%d of team %s after new"
              + " advisories (was %s): %s",
          previous.imageDigest(),
          previous.reference() == null ? "no reference" : previous.reference(),
          previous.policyName(),
          policyRow.get().version(),
          team.get(),
          previous.verdict(),
          v.failures().stream().map(f -> f.message()).toList());
    }
    return inserted;
  }

  @PreDestroy
  void stop() throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }
}
