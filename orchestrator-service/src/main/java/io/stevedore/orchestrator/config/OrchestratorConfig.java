package io.stevedore.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Settings of the orchestrator (prefix {@code stevedore.orchestrator}). */
@ConfigMapping(prefix = "stevedore.orchestrator")
public interface OrchestratorConfig {

  /**
   * What starts a stage's task: {@code local} runs the worker as a process on this machine, {@code
   * ecs} calls ECS RunTask. The same build serves both; only this setting and the endpoints differ.
   * {@code noop} runs nothing (each task ends at once with exit 0): for benchmarks only.
   */
  @WithDefault("local")
  Launcher launcher();

  /** What the local launcher may run at once; ignored by the ECS launcher. */
  LocalCapacity localCapacity();

  /** The local launcher's files and commands. */
  Local local();

  /** The dispatcher loop that admits runs and claims due stage attempts. */
  Dispatcher dispatcher();

  /** The ECS launcher ({@code launcher=ecs}); ignored by the local launcher. */
  Ecs ecs();

  /**
   * How often the reconciler compares the stage attempts it believes are running with what the
   * launcher reports (ECS DescribeTasks, 100 tasks per call; local processes by pid and start time)
   * and repairs missed state changes.
   */
  @WithDefault("30s")
  Duration reconcileInterval();

  /** The timeout of a stage whose spec gives none. */
  @WithDefault("1h")
  Duration defaultStageTimeout();

  /**
   * Runs of one team that may be active (RUNNING) at once, over all its pipelines; 0 for no limit.
   * Runs beyond it wait QUEUED, oldest first.
   */
  @WithDefault("0")
  int maxActiveRunsPerTeam();

  /**
   * Subscribers of run events: each gets every run and stage state change on its queue {@code
   * run-events-<subscriber>} (SNS fan-out in AWS).
   */
  @WithDefault("cost")
  List<String> runEventSubscribers();

  /**
   * How long a RUNNING attempt may stay silent once its worker has sent a heartbeat: past it, the
   * attempt is stopped and fails as {@code HEARTBEAT_LOST} (retried by default). Attempts that
   * never sent one are only bound by their timeout.
   */
  @WithDefault("2m")
  Duration heartbeatTimeout();

  /**
   * How often a worker should send a heartbeat; passed to every stage task as {@code
   * STEVEDORE_HEARTBEAT_INTERVAL} (whole seconds). Keep it well under {@code heartbeat-timeout}.
   */
  @WithDefault("30s")
  Duration heartbeatInterval();

  /**
   * How long an attempt may stay LAUNCHING (the launcher never confirmed a task) before the
   * watchdog stops it and fails it as {@code PLATFORM} (retried by default).
   */
  @WithDefault("5m")
  Duration launchingLimit();

  /**
   * How long a started task may stay in a pending state (ECS PROVISIONING, PENDING, ACTIVATING)
   * without reaching RUNNING before the watchdog stops it and fails it as {@code PLATFORM}.
   */
  @WithDefault("10m")
  Duration pendingLimit();

  /**
   * How often the dispatcher runs the watchdog (its three queries), at most; it needs no more than
   * a fraction of the limits above.
   */
  @WithDefault("5s")
  Duration watchdogInterval();

  /** Where the logs of ECS attempts are read (CloudWatch Logs, awslogs driver). */
  Logs logs();

  /**
   * CloudWatch Logs of ECS attempts: the awslogs driver writes each task's output to the stream
   * {@code <stream-prefix>/<container-name>/<task id>} of {@code group}.
   */
  interface Logs {
    /** The log group of the stage task definitions. */
    @WithDefault("/stevedore/stages")
    String group();

    /** The {@code awslogs-stream-prefix} of the stage task definitions. */
    @WithDefault("stevedore")
    String streamPrefix();

    /**
     * The name of the stage container in the task definitions, as it appears in the stream name;
     * default: {@code ecs.container-name}.
     */
    Optional<String> containerName();

    /**
     * GetLogEvents calls per second this orchestrator makes at most (token bucket; the account
     * quota is 25 per second per region, shared with everything else).
     */
    @WithDefault("5")
    int readsPerSecond();

    /** Calls that may be made at once before the rate applies (the bucket's size). */
    @WithDefault("10")
    int readBurst();

    /** How often a followed ECS log is polled for new events. */
    @WithDefault("2s")
    Duration followInterval();
  }

  /** The security gate, asked before every launch of an image. */
  SecurityGate securityGate();

  /** Validate stages, answered by validation-service over SQS. */
  Validation validation();

  /** Where stage tasks run. */
  enum Launcher {
    /** A worker process on this machine (local mode). */
    LOCAL,
    /** An ECS task (RunTask with a deterministic client token). */
    ECS,
    /**
     * Nothing: every task ends at once with exit code 0. Only for measuring the orchestrator's own
     * cost per stage (the dispatch benchmark) and for tests of the dispatcher.
     */
    NOOP
  }

  /**
   * Capacity of the local launcher, in the units a stage's {@code resources} uses. A stage that
   * does not fit waits ({@code WAITING_FOR_CAPACITY}).
   */
  interface LocalCapacity {
    /** CPU units available to stages; 1024 units are one vCPU, as in ECS. */
    @WithDefault("2048")
    int cpu();

    /** Memory available to stages, in MiB. */
    @WithDefault("4096")
    int memory();
  }

  /** The local launcher. */
  interface Local {
    /**
     * Directory of the stage attempts' files: {@code <dir>/<run>/<stage>/<attempt>.log} (stdout and
     * stderr), {@code .started} (the wrapper's pid, written once) and {@code .exit} (the exit
     * code).
     */
    @WithDefault(".stevedore/stages")
    String logsDir();

    /**
     * The command that runs a built-in stage type (extract, transform, validate, load): the
     * etl-worker. It gets the stage in {@code STEVEDORE_STAGE_SPEC}.
     */
    @WithDefault("java,-jar,etl-worker/target/quarkus-app/quarkus-run.jar")
    List<String> workerCommand();

    /**
     * Shell commands for images, by image name (without tag), used for a container stage that names
     * no {@code command}; run with {@code sh -c}: {@code
     * stevedore.orchestrator.local.images."my/image"=python3 job.py}.
     */
    Map<String, String> images();

    /** The shell that runs the wrapper around every stage command. */
    @WithDefault("/bin/sh")
    String shell();

    /**
     * How long an intent whose process never announced itself (no {@code .started} file) is left
     * alone after a restart before it is launched again; the wrapper refuses a second start anyway.
     */
    @WithDefault("5s")
    Duration startGrace();

    /** Extra environment for every stage process (merged under the stage's own {@code env}). */
    Map<String, String> env();
  }

  /** The dispatcher loop. */
  interface Dispatcher {
    /** Turn off only in tests that drive the engine by hand. */
    @WithDefault("true")
    boolean enabled();

    /** Longest pause between two passes; state changes wake it earlier. */
    @WithDefault("1s")
    Duration pollInterval();

    /**
     * Stage attempts claimed per statement. Default: 50 for ECS (whose launches are paced at the
     * Fargate rate anyway), 200 for the others.
     */
    Optional<Integer> batchSize();

    /**
     * Threads that record task ends; each records what has queued up (up to {@code
     * completion-batch-size}) in one transaction.
     */
    @WithDefault("2")
    int completionThreads();

    /** Most task ends recorded in one transaction. */
    @WithDefault("500")
    int completionBatchSize();

    /**
     * Claimed attempts launched at once. Unset: 1 for the local launcher, 8 for ECS, where each
     * RunTask waits for the API and one thread alone stays far below the task launch rate.
     */
    Optional<Integer> launchThreads();
  }

  /**
   * The security-gate hook: before a stage's image is launched, the orchestrator asks security-gate
   * ({@code POST /api/v1/admissions}) for the verdict on it under the team's policy, and records
   * the answer ({@code GET /api/v1/runs/{id}/gate-decisions}).
   */
  interface SecurityGate {
    /**
     * {@code enforce}: a {@code fail} verdict refuses the launch (the stage fails, class
     * USER_ERROR, with the findings in its reason); {@code warn}: the verdict is recorded and
     * logged and the launch goes on; {@code off}: the gate is not asked.
     */
    @WithDefault("warn")
    GateMode mode();

    /**
     * security-gate's base URL ({@code http://127.0.0.1:8086}). Absent: no gate is asked; every
     * launch is allowed, with a warning in the log.
     */
    Optional<URI> url();

    /**
     * The orchestrator's service key for security-gate (the gate knows it by its SHA-256 in {@code
     * stevedore.auth.service-keys.orchestrator}). Give it as {@code
     * STEVEDORE_ORCHESTRATOR_SECURITY_GATE_API_KEY}; it is never logged.
     */
    Optional<String> apiKey();

    /** How long one call to the gate may take. */
    @WithDefault("10s")
    Duration timeout();

    /** How long a verdict is reused for the same team and image without asking again. */
    @WithDefault("5m")
    Duration cacheTtl();

    /**
     * With {@code enforce}: whether a launch is refused when the gate cannot give a verdict
     * (unreachable, or the image cannot be read). Such a refusal is retried under the stage's retry
     * policy (class PLATFORM).
     */
    @WithDefault("false")
    boolean refuseUnknown();
  }

  /** Modes of the security-gate hook. */
  enum GateMode {
    ENFORCE,
    WARN,
    OFF
  }

  /** Validate stages. */
  interface Validation {
    /**
     * Bucket of stage outputs: a validate stage checks {@code s3://<bucket>/runs/<run>/<input>/}
     * unless its input stage reported another output; corrected data of {@code onFail: quarantine}
     * goes under {@code s3://<bucket>/runs/<run>/<validate stage>/corrected/}.
     */
    @WithDefault("stevedore-stages")
    String stagesBucket();

    /** Format of stage outputs. */
    @WithDefault("parquet")
    String format();
  }

  /**
   * The ECS launcher: where tasks run, which task definition runs which image, and how fast the ECS
   * API may be called.
   */
  interface Ecs {
    /** The cluster (name or ARN) tasks are started in. */
    @WithDefault("stevedore")
    String cluster();

    /** The AWS region of the ECS API. */
    @WithDefault("us-east-1")
    String region();

    /** Subnets of the tasks' network interfaces (awsvpc). */
    Optional<List<String>> subnets();

    /** Security groups of the tasks' network interfaces. */
    Optional<List<String>> securityGroups();

    /** Whether tasks get a public IP (only for public subnets without a NAT gateway). */
    @WithDefault("false")
    boolean assignPublicIp();

    /**
     * Capacity providers, tried in order: RunTask goes to the first; when ECS answers with a
     * capacity failure ({@code RESOURCE:*}, "Capacity is unavailable at this time") the next one is
     * tried with the same attempt. Empty: {@link #launchType()} without a strategy.
     */
    @WithDefault("FARGATE_SPOT,FARGATE")
    List<String> capacityProviders();

    /** The launch type used when no capacity providers are configured. */
    @WithDefault("FARGATE")
    String launchType();

    /**
     * Task definitions (family, family:revision or ARN) of container stages, by image name (without
     * tag): {@code stevedore.orchestrator.ecs.task-definitions."my/image"=my-job:3}.
     */
    Map<String, String> taskDefinitions();

    /** The task definition of the built-in stage types (the etl-worker image). */
    @WithDefault("stevedore-etl-worker")
    String workerTaskDefinition();

    /** The name of the container in every task definition that the overrides apply to. */
    @WithDefault("main")
    String containerName();

    /** Extra environment of every task (merged under the stage's own {@code env}). */
    Map<String, String> env();

    /** RunTask (and StartTask): ECS's task launch bucket and the Fargate task launch rate. */
    @WithDefault("100")
    int runTaskBurst();

    /** Sustained RunTask calls per second. */
    @WithDefault("20")
    int runTaskRate();

    /** DescribeTasks, ListTasks and StopTask: burst of ECS's task read/modify buckets. */
    @WithDefault("100")
    int apiBurst();

    /** Sustained DescribeTasks, ListTasks and StopTask calls per second. */
    @WithDefault("20")
    int apiRate();

    /**
     * Attempts of one ECS call that is throttled ({@code ThrottlingException}, "Rate exceeded") or
     * fails in transit, with exponential backoff and full jitter between them.
     */
    @WithDefault("8")
    int maxCallAttempts();

    /** The first backoff of a retried ECS call; it doubles with every attempt. */
    @WithDefault("100ms")
    Duration callBackoff();

    /** The longest backoff between two attempts of one ECS call. */
    @WithDefault("5s")
    Duration maxCallBackoff();
  }
}
