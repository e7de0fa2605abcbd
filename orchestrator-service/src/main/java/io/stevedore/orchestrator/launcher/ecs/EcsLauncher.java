package io.stevedore.orchestrator.launcher.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.common.spec.PipelineSpec.FailureClass;
import io.stevedore.orchestrator.config.OrchestratorConfig;
import io.stevedore.orchestrator.domain.FailureClassifier;
import io.stevedore.orchestrator.domain.StopInfo;
import io.stevedore.orchestrator.launcher.LaunchException;
import io.stevedore.orchestrator.launcher.LaunchSpec;
import io.stevedore.orchestrator.launcher.Launcher;
import io.stevedore.orchestrator.launcher.Started;
import io.stevedore.orchestrator.launcher.TaskEnd;
import io.stevedore.orchestrator.launcher.TaskStatus;
import io.stevedore.orchestrator.store.LaunchIntent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskOverride;

/**
 * Runs each stage attempt as an ECS task (RunTask).
 *
 * <ul>
 *   <li><b>Idempotent launches.</b> RunTask carries a {@code clientToken} derived from the attempt
 *       id (the intent's token, committed before the call), so a retried call starts no second
 *       task, and {@code startedBy} {@code stv-<attempt id without dashes>} (36 characters, ECS's
 *       limit), so a restarted orchestrator finds the task of an intent whose RunTask answer it
 *       never recorded (ListTasks by startedBy, then DescribeTasks) and adopts it.
 *   <li><b>Capacity.</b> The configured capacity providers are tried in order ({@code
 *       FARGATE_SPOT}, then {@code FARGATE}): a capacity failure ({@code RESOURCE:*}, "Capacity is
 *       unavailable at this time") moves to the next, with a token of its own per provider.
 *   <li><b>State.</b> EventBridge "ECS Task State Change" events ({@link #onTaskEvent}) report
 *       status changes and ends; the dispatcher's reconciler ({@link #probeAll}) asks DescribeTasks
 *       for up to 100 tasks per call and repairs any event that was missed.
 *   <li><b>Rates.</b> Every call goes through {@link EcsCalls}: token buckets under ECS's rates and
 *       retries of throttled calls with backoff and jitter.
 * </ul>
 *
 * Thread-safe: it keeps no state per task beyond what the database holds.
 */
@ApplicationScoped
@Typed(EcsLauncher.class) // injected as Launcher through Launchers, which picks by configuration
public class EcsLauncher implements Launcher {

  /** The prefix of {@code startedBy} on every task Stevedore starts. */
  public static final String STARTED_BY_PREFIX = "stv-";

  /** ECS's limit on the total size of a task's overrides. */
  static final int MAX_OVERRIDE_CHARS = 8192;

  static final String EVENT_TYPE = "ECS Task State Change";

  private static final Logger LOG = Logger.getLogger(EcsLauncher.class);
  private static final Pattern STARTED_BY = Pattern.compile("stv-([0-9a-f]{32})");
  private static final int DESCRIBE_BATCH = 100;

  private final OrchestratorConfig.Ecs config;
  private final EcsClient ecs;
  private final EcsCalls calls;
  private final Clock clock;
  private final List<Consumer<TaskEnd>> ends = new CopyOnWriteArrayList<>();
  private final List<Consumer<TaskStatus>> statuses = new CopyOnWriteArrayList<>();

  EcsLauncher(OrchestratorConfig config, EcsClient ecs, Clock clock) {
    this.config = config.ecs();
    this.ecs = ecs;
    this.calls = new EcsCalls(config.ecs());
    this.clock = clock;
  }

  @Override
  public String name() {
    return "ECS";
  }

  /** The calls made so far and their retries (for tests and metrics). */
  public EcsCalls calls() {
    return calls;
  }

  /** {@code startedBy} of an attempt's task: 36 characters, letters, digits and hyphens. */
  public static String startedBy(UUID stageRunId) {
    return STARTED_BY_PREFIX + stageRunId.toString().replace("-", "");
  }

  /** The attempt whose task carries this {@code startedBy}, if it is one of Stevedore's. */
  public static Optional<UUID> attemptOf(String startedBy) {
    if (startedBy == null) {
      return Optional.empty();
    }
    var m = STARTED_BY.matcher(startedBy);
    if (!m.matches()) {
      return Optional.empty();
    }
    String h = m.group(1);
    return Optional.of(
        UUID.fromString(
            h.substring(0, 8)
                + "-"
                + h.substring(8, 12)
                + "-"
                + h.substring(12, 16)
                + "-"
                + h.substring(16, 20)
                + "-"
                + h.substring(20)));
  }

  /** RunTask's client token of an attempt (at most 64 characters). */
  public static String clientToken(UUID stageRunId) {
    return "stevedore-" + stageRunId;
  }

  @Override
  public LaunchIntent intent(
      UUID stageRunId, UUID runId, String stageId, int attempt, Instant now, Instant deadline) {
    return new LaunchIntent(
        stageRunId,
        name(),
        clientToken(stageRunId),
        startedBy(stageRunId),
        now,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        deadline,
        null);
  }

  @Override
  public void onEnd(Consumer<TaskEnd> listener) {
    ends.add(listener);
  }

  @Override
  public void onStatus(Consumer<TaskStatus> listener) {
    statuses.add(listener);
  }

  // ---------------------------------------------------------------- launching

  @Override
  public Started launch(LaunchIntent intent, LaunchSpec spec) throws LaunchException {
    String taskDefinition = taskDefinition(spec);
    TaskOverride overrides = overrides(spec);
    List<String> providers = config.capacityProviders();
    int rounds = Math.max(1, providers.size());
    String lastFailure = null;
    for (int i = 0; i < rounds; i++) {
      String provider = providers.isEmpty() ? null : providers.get(i);
      // One token per provider: a fallback is a different request, and a retried call of either
      // one still starts at most one task.
      String token = i == 0 ? intent.clientToken() : intent.clientToken() + "-" + i;
      RunTaskRequest.Builder request =
          RunTaskRequest.builder()
              .cluster(config.cluster())
              .taskDefinition(taskDefinition)
              .count(1)
              .startedBy(intent.startedBy())
              .clientToken(token)
              .overrides(overrides)
              .tags(tags(spec))
              .enableECSManagedTags(true)
              .networkConfiguration(network());
      if (provider == null) {
        request.launchType(config.launchType());
      } else {
        request.capacityProviderStrategy(
            CapacityProviderStrategyItem.builder().capacityProvider(provider).weight(1).build());
      }
      RunTaskRequest built = request.build();
      RunTaskResponse response;
      try {
        response = calls.call("RunTask", EcsCalls.Kind.LAUNCH, () -> ecs.runTask(built));
      } catch (SdkException e) {
        throw new LaunchException("ECS RunTask failed: " + e.getMessage(), e);
      }
      if (response.hasTasks() && !response.tasks().isEmpty()) {
        Task task = response.tasks().get(0);
        report(intent.stageRunId(), task);
        LOG.infof(
            "stage attempt %s started as ECS task %s%s",
            intent.stageRunId(), task.taskArn(), provider == null ? "" : " on " + provider);
        return new Started(task.taskArn(), null, task.createdAt());
      }
      lastFailure = describe(response.failures());
      boolean capacity =
          FailureClassifier.classify(
                  new StopInfo("TaskFailedToStart", lastFailure, null, null, false))
              .filter(c -> c == FailureClass.CAPACITY)
              .isPresent();
      if (!capacity || i == rounds - 1) {
        break;
      }
      LOG.infof(
          "stage attempt %s: no capacity on %s (%s); trying %s",
          intent.stageRunId(), provider, lastFailure, providers.get(i + 1));
    }
    throw new LaunchException(lastFailure, null);
  }

  private String taskDefinition(LaunchSpec spec) throws LaunchException {
    if (spec.image() == null || spec.image().isBlank()) {
      return config.workerTaskDefinition();
    }
    String image = spec.image().replaceFirst("@.*$", "").replaceFirst(":[^/:]*$", "");
    String found = config.taskDefinitions().get(image);
    if (found == null) {
      found = config.taskDefinitions().get(spec.image());
    }
    if (found == null) {
      throw new LaunchException(
          "no ECS task definition for image '"
              + spec.image()
              + "': set stevedore.orchestrator.ecs.task-definitions.\""
              + image
              + "\"",
          null);
    }
    return found;
  }

  private TaskOverride overrides(LaunchSpec spec) throws LaunchException {
    List<KeyValuePair> env = new ArrayList<>();
    int size = 0;
    for (Map.Entry<String, String> e : spec.environment().entrySet()) {
      env.add(KeyValuePair.builder().name(e.getKey()).value(e.getValue()).build());
      size += e.getKey().length() + e.getValue().length();
    }
    for (String part : spec.taskCommand()) {
      size += part.length();
    }
    if (size > MAX_OVERRIDE_CHARS) {
      throw new LaunchException(
          "the stage's environment and command take "
              + size
              + " characters, more than the "
              + MAX_OVERRIDE_CHARS
              + " ECS allows in a task's overrides",
          null);
    }
    ContainerOverride.Builder container =
        ContainerOverride.builder()
            .name(config.containerName())
            .environment(env)
            .cpu(spec.cpu())
            .memory(spec.memory());
    if (!spec.taskCommand().isEmpty()) {
      container.command(spec.taskCommand());
    }
    return TaskOverride.builder()
        .cpu(Integer.toString(spec.cpu()))
        .memory(Integer.toString(spec.memory()))
        .containerOverrides(container.build())
        .build();
  }

  private static List<Tag> tags(LaunchSpec spec) {
    List<Tag> tags = new ArrayList<>();
    tag(tags, "stevedore:run", spec.environment().get("STEVEDORE_RUN_ID"));
    tag(tags, "stevedore:stage", spec.environment().get("STEVEDORE_STAGE_ID"));
    tag(tags, "stevedore:attempt", spec.environment().get("STEVEDORE_ATTEMPT"));
    tag(tags, "stevedore:team", spec.environment().get("STEVEDORE_TEAM"));
    tag(tags, "stevedore:pipeline", spec.environment().get("STEVEDORE_PIPELINE"));
    tag(tags, "stevedore:stage-run", spec.stageRunId().toString());
    return tags;
  }

  private static void tag(List<Tag> tags, String key, String value) {
    if (value != null && !value.isBlank()) {
      String safe = value.replaceAll("[^\\p{L}\\p{N} _.:/=+\\-@]", "_");
      tags.add(
          Tag.builder()
              .key(key)
              .value(safe.length() > 256 ? safe.substring(0, 256) : safe)
              .build());
    }
  }

  private NetworkConfiguration network() {
    return NetworkConfiguration.builder()
        .awsvpcConfiguration(
            AwsVpcConfiguration.builder()
                .subnets(config.subnets().orElse(List.of()))
                .securityGroups(config.securityGroups().orElse(List.of()))
                .assignPublicIp(
                    config.assignPublicIp() ? AssignPublicIp.ENABLED : AssignPublicIp.DISABLED)
                .build())
        .build();
  }

  private static String describe(List<Failure> failures) {
    if (failures == null || failures.isEmpty()) {
      return "ECS RunTask started no task and gave no reason";
    }
    Failure f = failures.get(0);
    return f.reason() + (f.detail() == null || f.detail().isBlank() ? "" : " (" + f.detail() + ")");
  }

  // ---------------------------------------------------------------- finding tasks

  @Override
  public Probe probe(LaunchIntent intent) {
    Probe probe = probeAll(List.of(intent)).get(intent.stageRunId());
    if (probe == null) {
      throw new IllegalStateException(
          "could not ask ECS about the task of stage attempt " + intent.stageRunId());
    }
    return probe;
  }

  /**
   * Describes the tasks of the intents, 100 per DescribeTasks call; an intent whose RunTask answer
   * was never recorded is looked up first by its {@code startedBy} (ListTasks, running and
   * stopped). Statuses seen are reported to the status listeners, so a missed RUNNING event is
   * repaired too. Intents whose calls failed are left out.
   */
  @Override
  public Map<UUID, Probe> probeAll(List<LaunchIntent> intents) {
    Map<UUID, Probe> probes = new LinkedHashMap<>();
    Map<String, UUID> byArn = new LinkedHashMap<>();
    for (LaunchIntent intent : intents) {
      if (intent.taskRef() != null && intent.taskRef().startsWith("arn:")) {
        byArn.put(intent.taskRef(), intent.stageRunId());
        continue;
      }
      try {
        List<String> arns = findByStartedBy(intent.startedBy());
        if (arns.isEmpty()) {
          probes.put(intent.stageRunId(), new Probe.NeverStarted());
        } else {
          if (arns.size() > 1) {
            LOG.errorf(
                "stage attempt %s has %d ECS tasks (%s); following the first",
                intent.stageRunId(), arns.size(), arns);
          }
          byArn.put(arns.get(0), intent.stageRunId());
        }
      } catch (SdkException e) {
        LOG.warnf(
            "could not list the ECS tasks of stage attempt %s: %s",
            intent.stageRunId(), e.getMessage());
      }
    }
    List<String> arns = new ArrayList<>(byArn.keySet());
    for (int from = 0; from < arns.size(); from += DESCRIBE_BATCH) {
      List<String> batch = arns.subList(from, Math.min(arns.size(), from + DESCRIBE_BATCH));
      DescribeTasksResponse described;
      try {
        described =
            calls.call(
                "DescribeTasks",
                EcsCalls.Kind.API,
                () -> ecs.describeTasks(r -> r.cluster(config.cluster()).tasks(batch)));
      } catch (SdkException e) {
        LOG.warnf("could not describe %d ECS task(s): %s", batch.size(), e.getMessage());
        continue;
      }
      for (Task task : described.tasks()) {
        UUID attempt = byArn.get(task.taskArn());
        if (attempt == null) {
          continue;
        }
        report(attempt, task);
        probes.put(
            attempt,
            "STOPPED".equals(task.lastStatus())
                ? new Probe.Ended(stopInfo(task))
                : new Probe.Alive(new Started(task.taskArn(), null, task.createdAt())));
      }
      for (Failure failure : described.failures()) {
        UUID attempt = byArn.get(failure.arn());
        if (attempt != null && "MISSING".equals(failure.reason())) {
          probes.put(
              attempt,
              new Probe.Ended(
                  new StopInfo(
                      null,
                      "ECS no longer knows the task " + failure.arn() + " (stopped long ago?)",
                      null,
                      null,
                      false)));
        }
      }
    }
    return probes;
  }

  private List<String> findByStartedBy(String startedBy) {
    Set<String> arns = new LinkedHashSet<>();
    for (DesiredStatus status : List.of(DesiredStatus.RUNNING, DesiredStatus.STOPPED)) {
      arns.addAll(
          calls
              .call(
                  "ListTasks",
                  EcsCalls.Kind.API,
                  () ->
                      ecs.listTasks(
                          r ->
                              r.cluster(config.cluster())
                                  .startedBy(startedBy)
                                  .desiredStatus(status)))
              .taskArns());
    }
    return new ArrayList<>(arns);
  }

  @Override
  public void adopt(LaunchIntent intent, Started task) {
    // Nothing to watch here: events and the reconciler follow every open intent.
    LOG.debugf("following ECS task %s of stage attempt %s", task.taskRef(), intent.stageRunId());
  }

  @Override
  public boolean isWatching(LaunchIntent intent) {
    return false; // every open intent is described by the reconciler: events can be missed
  }

  @Override
  public StopInfo stopInfo(LaunchIntent intent) {
    try {
      Probe probe = probe(intent);
      if (probe instanceof Probe.Ended ended && ended.stop() != null) {
        return ended.stop();
      }
    } catch (RuntimeException e) {
      LOG.warnf(
          "could not ask ECS why stage attempt %s stopped: %s",
          intent.stageRunId(), e.getMessage());
    }
    return new StopInfo("UserInitiated", "stopped by the orchestrator", null, null, false);
  }

  @Override
  public void stop(LaunchIntent intent) {
    List<String> arns;
    try {
      arns =
          intent.taskRef() != null && intent.taskRef().startsWith("arn:")
              ? List.of(intent.taskRef())
              : findByStartedBy(intent.startedBy());
    } catch (SdkException e) {
      LOG.warnf(
          "could not find the ECS task of stage attempt %s to stop it: %s",
          intent.stageRunId(), e.getMessage());
      return;
    }
    for (String arn : arns) {
      try {
        calls.call(
            "StopTask",
            EcsCalls.Kind.API,
            () ->
                ecs.stopTask(
                    r ->
                        r.cluster(config.cluster())
                            .task(arn)
                            .reason("Stevedore: stage attempt ended (cancelled or timed out)")));
        LOG.infof("stopped ECS task %s of stage attempt %s", arn, intent.stageRunId());
      } catch (SdkException e) {
        LOG.warnf(
            "could not stop ECS task %s of stage attempt %s: %s",
            arn, intent.stageRunId(), e.getMessage());
      }
    }
  }

  // ---------------------------------------------------------------- events

  /**
   * Takes an EventBridge "ECS Task State Change" event of a task Stevedore started (its {@code
   * startedBy}): a STOPPED task is reported as an end with its stop code, reason and the essential
   * container's exit code; any other status is reported as a status. Listener failures propagate,
   * so the consumer retries the message.
   */
  @Override
  public boolean onTaskEvent(JsonNode event) {
    if (event == null || !EVENT_TYPE.equals(event.path("detail-type").asText())) {
      return false;
    }
    JsonNode detail = event.path("detail");
    Optional<UUID> attempt = attemptOf(detail.path("startedBy").asText(null));
    if (attempt.isEmpty()) {
      return false;
    }
    String status = detail.path("lastStatus").asText("");
    String arn = detail.path("taskArn").asText(null);
    Instant at = clock.instant();
    for (Consumer<TaskStatus> listener : statuses) {
      listener.accept(new TaskStatus(attempt.get(), arn, status, at));
    }
    if ("STOPPED".equals(status)) {
      TaskEnd end = new TaskEnd(attempt.get(), stopInfo(detail));
      for (Consumer<TaskEnd> listener : ends) {
        listener.accept(end);
      }
    }
    return true;
  }

  private void report(UUID attempt, Task task) {
    if (statuses.isEmpty() || task.lastStatus() == null) {
      return;
    }
    TaskStatus status = new TaskStatus(attempt, task.taskArn(), task.lastStatus(), clock.instant());
    for (Consumer<TaskStatus> listener : statuses) {
      try {
        listener.accept(status);
      } catch (RuntimeException e) {
        LOG.warnf("could not record the status of stage attempt %s: %s", attempt, e.getMessage());
      }
    }
  }

  /** Why a described task stopped. */
  StopInfo stopInfo(Task task) {
    Container container = essential(task.containers());
    return new StopInfo(
        task.stopCodeAsString(),
        task.stoppedReason(),
        container == null ? null : container.exitCode(),
        container == null ? null : container.reason(),
        false);
  }

  private Container essential(List<Container> containers) {
    if (containers == null || containers.isEmpty()) {
      return null;
    }
    for (Container c : containers) {
      if (config.containerName().equals(c.name())) {
        return c;
      }
    }
    for (Container c : containers) {
      if (c.exitCode() != null && c.exitCode() != 0) {
        return c;
      }
    }
    return containers.get(0);
  }

  /** Why a task stopped, from an event's {@code detail} (the same shape as DescribeTasks). */
  StopInfo stopInfo(JsonNode detail) {
    JsonNode chosen = null;
    for (JsonNode c : detail.path("containers")) {
      if (config.containerName().equals(c.path("name").asText())) {
        chosen = c;
        break;
      }
      if (chosen == null
          || (c.path("exitCode").isInt()
              && c.path("exitCode").asInt() != 0
              && !chosen.path("exitCode").isInt())) {
        chosen = c;
      }
    }
    Integer exit =
        chosen != null && chosen.path("exitCode").isInt() ? chosen.path("exitCode").asInt() : null;
    String reason = chosen == null ? null : chosen.path("reason").asText(null);
    return new StopInfo(
        detail.path("stopCode").asText(null),
        detail.path("stoppedReason").asText(null),
        exit,
        reason,
        false);
  }
}
