package io.stevedore.securitygate.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stevedore.common.contract.Alert;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.messaging.Outbox;
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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * After new advisories, evaluates recently seen images again from their stored inventories under
 * each team's latest policy, records the new verdicts, and raises an alert when an image that did
 * not fail now fails: an {@link Alert} {@code IMAGE_NOW_FAILS} sent through the outbox to the
 * {@code alerts} queue with the verdict, an ERROR log line and the counter {@code
 * stevedore.security_gate.alerts}. Runs on one background thread; requests arriving while one runs
 * queue behind it.
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
  private final Outbox outbox;
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
      MeterRegistry metrics,
      Outbox outbox) {
    this.outbox = outbox;
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
    boolean nowFails =
        v.status() == Verdict.Status.FAIL && !previous.verdict().equals(Verdict.Status.FAIL.name());
    boolean inserted =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  boolean done = verdicts.insert(row);
                  if (done && nowFails) {
                    // sent if and only if the new verdict is stored
                    outbox.send(
                        Queues.ALERTS, alert(previous, row, v, team.get(), policyRow.get()));
                  }
                  return done;
                });
    if (inserted && nowFails) {
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

  /** The {@code IMAGE_NOW_FAILS} alert of a rescan (no secret values: findings are redacted). */
  private Alert alert(
      VerdictRow previous, VerdictRow row, Verdict v, String team, PolicyStore.PolicyRow policy) {
    List<String> failing = v.failures().stream().map(f -> f.message()).limit(20).toList();
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("digest", row.imageDigest());
    if (row.reference() != null) {
      attributes.put("reference", row.reference());
    }
    attributes.put("policy", row.policyName());
    attributes.put("policyVersion", Integer.toString(policy.version()));
    attributes.put("previousVerdict", previous.verdict());
    attributes.put("verdictId", row.id().toString());
    attributes.put("advisoryVersion", row.advisoryVersion());
    attributes.put("failures", Integer.toString(v.failures().size()));
    return new Alert(
        // one alert per new verdict: a redelivery of the same verdict keeps its id
        UUID.nameUUIDFromBytes(("IMAGE_NOW_FAILS " + row.id()).getBytes(StandardCharsets.UTF_8)),
        "security-gate",
        "IMAGE_NOW_FAILS",
        "critical",
        row.teamId(),
        team,
        null,
        null,
        "image "
            + (row.reference() != null ? row.reference() : row.imageDigest())
            + " now fails policy '"
            + row.policyName()
            + "'",
        "After new advisories, image "
            + row.imageDigest()
            + " fails policy '"
            + row.policyName()
            + "' v"
            + policy.version()
            + " (it was "
            + previous.verdict()
            + "):\n"
            + String.join("\n", failing),
        attributes,
        List.of(),
        v.evaluatedAt());
  }

  @PreDestroy
  void stop() throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }
}
