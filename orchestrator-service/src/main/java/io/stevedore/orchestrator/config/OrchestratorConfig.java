package io.stevedore.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the orchestrator (prefix {@code stevedore.orchestrator}). */
@ConfigMapping(prefix = "stevedore.orchestrator")
public interface OrchestratorConfig {

  /**
   * What starts a stage's task: {@code local} runs the worker as a process on this machine, {@code
   * ecs} calls ECS RunTask. The same build serves both; only this setting and the endpoints differ.
   */
  @WithDefault("local")
  Launcher launcher();

  /** What the local launcher may run at once; ignored by the ECS launcher. */
  LocalCapacity localCapacity();

  /**
   * How often the reconciler compares the stage attempts it believes are running with what the
   * launcher reports (ECS DescribeTasks, 100 tasks per call) and repairs missed state changes.
   */
  @WithDefault("30s")
  Duration reconcileInterval();

  /** The timeout of a stage whose spec gives none. */
  @WithDefault("1h")
  Duration defaultStageTimeout();

  /** Where stage tasks run. */
  enum Launcher {
    /** A worker process on this machine (local mode). */
    LOCAL,
    /** An ECS task (RunTask with a deterministic client token). */
    ECS
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
}
