package io.stevedore.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.contract.RunRequest;
import io.stevedore.common.messaging.ContentEncoding;
import io.stevedore.common.messaging.Outbox;
import io.stevedore.common.spec.PipelineSpec;
import io.stevedore.common.spec.PipelineSpecParser;
import io.stevedore.common.spec.SpecFormat;
import io.stevedore.common.store.Jdbc;
import io.stevedore.orchestrator.domain.StageStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** Teams, pipelines and runs written straight into {@code jobs}, as the scheduler would. */
@ApplicationScoped
public class Fixtures {

  /** A stage attempt as the tests look at it. */
  public record Attempt(
      String stageId,
      int attempt,
      String status,
      String failureClass,
      String reason,
      Integer exitCode,
      String taskRef) {}

  private final Jdbc jdbc;
  private final Outbox outbox;
  private final SqsClient sqs;
  private final ObjectMapper mapper;
  private final PipelineSpecParser parser = new PipelineSpecParser();

  Fixtures(Jdbc jdbc, Outbox outbox, SqsClient sqs, ObjectMapper mapper) {
    this.jdbc = jdbc;
    this.outbox = outbox;
    this.sqs = sqs;
    this.mapper = mapper;
  }

  /**
   * The run events of {@code run} on {@code run-events-cost}, read (and removed from the queue,
   * with any other run's) until the run's SUCCEEDED event and every change before it are in; the
   * changes of one transaction in order.
   */
  public List<JsonNode> eventsOf(UUID run) {
    return eventsOf(Set.of(run)).get(run);
  }

  /** {@link #eventsOf(UUID)} for several runs at once. */
  public Map<UUID, List<JsonNode>> eventsOf(Set<UUID> runs) {
    Map<UUID, List<JsonNode>> events = new HashMap<>();
    runs.forEach(run -> events.put(run, new ArrayList<>()));
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (Received m : receive("stevedore-run-events-cost", 30)) {
                // One run-event-batch message per transaction: its changes in order.
                for (JsonNode event : m.body().path("events")) {
                  List<JsonNode> mine = events.get(UUID.fromString(event.path("runId").asText()));
                  if (mine != null) {
                    mine.add(event);
                  }
                }
                delete(m);
              }
              return events.values().stream().allMatch(Fixtures::succeededAndComplete);
            });
    return events;
  }

  /**
   * Whether a run's events include its SUCCEEDED event and every change before it. Each message
   * holds one transaction's changes, but messages of different transactions can arrive in any order
   * (a standard queue, several senders): a stage change that came after the run's end is found
   * missing by its successor naming it as the status before, or by its attempt having no end yet.
   */
  private static boolean succeededAndComplete(List<JsonNode> events) {
    Map<String, Set<String>> byAttempt = new HashMap<>();
    boolean succeeded = false;
    for (JsonNode e : events) {
      if (e.has("stageId")) {
        byAttempt
            .computeIfAbsent(
                e.path("stageId").asText() + "#" + e.path("attempt").asInt(), k -> new HashSet<>())
            .add(e.path("status").asText());
      } else if (e.path("status").asText().equals("SUCCEEDED")) {
        succeeded = true;
      }
    }
    for (JsonNode e : events) {
      if (e.has("stageId") && e.has("previousStatus")) {
        String attempt = e.path("stageId").asText() + "#" + e.path("attempt").asInt();
        if (!byAttempt.get(attempt).contains(e.path("previousStatus").asText())) {
          return false;
        }
      }
    }
    return succeeded
        && byAttempt.values().stream()
            .allMatch(
                statuses -> statuses.stream().anyMatch(s -> !StageStatus.valueOf(s).isActive()));
  }

  /** A message read from a queue, its body decoded (see {@link ContentEncoding}). */
  public record Received(String queueUrl, String receiptHandle, JsonNode body) {}

  /**
   * Up to 10 messages of the queue (its full name), waiting up to 1 s; each stays invisible for
   * {@code visibilitySeconds} unless {@link #delete}d.
   */
  public List<Received> receive(String queue, int visibilitySeconds) throws IOException {
    String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
    List<Received> received = new ArrayList<>();
    for (Message m :
        sqs.receiveMessage(
                r ->
                    r.queueUrl(url)
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(1)
                        .visibilityTimeout(visibilitySeconds)
                        .messageAttributeNames("All"))
            .messages()) {
      received.add(
          new Received(url, m.receiptHandle(), mapper.readTree(ContentEncoding.bodyOf(m))));
    }
    return received;
  }

  public void delete(Received message) {
    sqs.deleteMessage(r -> r.queueUrl(message.queueUrl()).receiptHandle(message.receiptHandle()));
  }

  /** Creates an API key for the team; returns the full key. */
  public String apiKey(UUID teamId) {
    io.stevedore.common.auth.ApiKeyFormat.Generated key =
        io.stevedore.common.auth.ApiKeyFormat.generate();
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                jdbc.update(
                    "insert into jobs.api_keys (id, team_id, secret_hash, description, created_at)"
                        + " values (?, ?, ?, 'test', ?)",
                    key.id(),
                    teamId,
                    key.secretHash(),
                    Instant.now()));
    return key.key();
  }

  public UUID team(String name) {
    UUID id = UUID.randomUUID();
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                jdbc.update(
                    "insert into jobs.teams (id, name, created_at) values (?, ?, ?)",
                    id,
                    name,
                    Instant.now()));
    return id;
  }

  /** Registers a pipeline (version 1) from YAML; returns its id. */
  public UUID pipeline(UUID teamId, String yaml) {
    PipelineSpec spec = parser.parseOrThrow(yaml, SpecFormat.YAML);
    UUID id = UUID.randomUUID();
    Instant now = Instant.now();
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              jdbc.update(
                  "insert into jobs.pipelines (id, team_id, name, latest_version, created_at,"
                      + " updated_at) values (?, ?, ?, 1, ?, ?)",
                  id,
                  teamId,
                  spec.name(),
                  now,
                  now);
              jdbc.update(
                  "insert into jobs.pipeline_versions (pipeline_id, version, spec, source,"
                      + " created_at) values (?, 1, ?::jsonb, ?, ?)",
                  id,
                  parser.toJson(spec),
                  yaml,
                  now);
            });
    return id;
  }

  /** Writes a QUEUED run and sends RUN on the run-requests queue, as the scheduler does. */
  public UUID submit(UUID teamId, UUID pipelineId) {
    UUID id = UUID.randomUUID();
    Instant now = Instant.now();
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              jdbc.update(
                  "insert into jobs.runs (id, team_id, pipeline_id, pipeline_version, status,"
                      + " trigger, logical_date, created_at, updated_at)"
                      + " values (?, ?, ?, 1, 'QUEUED', 'HTTP', ?, ?, ?)",
                  id,
                  teamId,
                  pipelineId,
                  Instant.parse("2026-11-20T00:00:00Z"),
                  now,
                  now);
              outbox.send(
                  Queues.RUN_REQUESTS,
                  new RunRequest(
                      RunRequest.Action.RUN, id, teamId, pipelineId, 1, List.of(), now, null));
            });
    return id;
  }

  /** A RUNNING run (no message sent): for tests that stage a restart by hand. */
  public UUID runningRun(UUID teamId, UUID pipelineId) {
    UUID id = UUID.randomUUID();
    Instant now = Instant.now();
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                jdbc.update(
                    "insert into jobs.runs (id, team_id, pipeline_id, pipeline_version, status,"
                        + " trigger, logical_date, created_at, started_at, updated_at)"
                        + " values (?, ?, ?, 1, 'RUNNING', 'HTTP', ?, ?, ?, ?)",
                    id,
                    teamId,
                    pipelineId,
                    Instant.parse("2026-11-20T00:00:00Z"),
                    now,
                    now,
                    now));
    return id;
  }

  /** A LAUNCHING attempt of the local launcher, as a dispatcher leaves it before it launches. */
  public UUID launchingAttempt(UUID runId, String stageId) {
    UUID id = UUID.randomUUID();
    Instant now = Instant.now();
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                jdbc.update(
                    "insert into jobs.stage_runs (id, run_id, stage_id, attempt, status, launcher,"
                        + " created_at, updated_at) values (?, ?, ?, 1, 'LAUNCHING', 'LOCAL', ?, ?)",
                    id,
                    runId,
                    stageId,
                    now,
                    now));
    return id;
  }

  public void request(RunRequest.Action action, UUID runId, List<String> stages, String reason) {
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                outbox.send(
                    Queues.RUN_REQUESTS,
                    new RunRequest(action, runId, null, null, 1, stages, Instant.now(), reason)));
  }

  public String runStatus(UUID runId) {
    return jdbc.one("select status from jobs.runs where id = ?", rs -> rs.getString(1), runId)
        .orElseThrow();
  }

  public String runReason(UUID runId) {
    return jdbc.one("select reason from jobs.runs where id = ?", rs -> rs.getString(1), runId)
        .orElseThrow();
  }

  public List<Attempt> attempts(UUID runId) {
    return jdbc.list(
        "select stage_id, attempt, status, failure_class, reason, exit_code, task_ref"
            + " from jobs.stage_runs where run_id = ? order by stage_id, attempt",
        rs -> {
          int exit = rs.getInt("exit_code");
          Integer code = rs.wasNull() ? null : exit;
          return new Attempt(
              rs.getString(1),
              rs.getInt(2),
              rs.getString(3),
              rs.getString(4),
              rs.getString(5),
              code,
              rs.getString(7));
        },
        runId);
  }

  /** Latest status per stage. */
  public Map<String, String> latest(UUID runId) {
    Map<String, String> latest = new java.util.TreeMap<>();
    for (Attempt a : attempts(runId)) {
      latest.put(a.stageId(), a.status());
    }
    return latest;
  }

  public List<Long> pids(UUID runId) {
    return jdbc.list(
        "select i.pid from orchestrator.launch_intents i join jobs.stage_runs s"
            + " on s.id = i.stage_run_id where s.run_id = ? and i.pid is not null",
        rs -> rs.getLong(1),
        runId);
  }

  public String text(String sql, Object... params) {
    return jdbc.one(sql, rs -> rs.getString(1), params).orElse(null);
  }

  public int count(String sql, Object... params) {
    return jdbc.one(sql, rs -> rs.getInt(1), params).orElse(0);
  }

  /**
   * Whether the attempt's launch intent was closed after the attempt had ended (as when its task's
   * end is seen after the orchestrator ended the attempt itself), not in the same transaction.
   */
  public boolean intentClosedAfterItsAttempt(UUID runId, String stageId, int attempt) {
    return count(
            "select count(*) from orchestrator.launch_intents i join jobs.stage_runs s"
                + " on s.id = i.stage_run_id where s.run_id = ? and s.stage_id = ?"
                + " and s.attempt = ? and i.ended_at > s.ended_at",
            runId,
            stageId,
            attempt)
        == 1;
  }

  /** Runs one statement in a transaction of its own. */
  public void execute(String sql, Object... params) {
    QuarkusTransaction.requiringNew().run(() -> jdbc.update(sql, params));
  }
}
