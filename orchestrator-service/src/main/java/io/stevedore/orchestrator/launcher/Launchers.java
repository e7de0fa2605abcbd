package io.stevedore.orchestrator.launcher;

import io.stevedore.orchestrator.config.OrchestratorConfig;
import io.stevedore.orchestrator.launcher.ecs.EcsLauncher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/**
 * Picks the launcher named by {@code stevedore.orchestrator.launcher} at start-up. Each launcher
 * bean is {@code @Typed} to its own class, so only this producer answers an injection of {@link
 * Launcher}, and a launcher that is not chosen is never created.
 */
@ApplicationScoped
public class Launchers {

  @Produces
  @ApplicationScoped
  Launcher launcher(
      OrchestratorConfig config,
      Instance<LocalLauncher> local,
      Instance<EcsLauncher> ecs,
      Instance<NoopLauncher> noop) {
    return switch (config.launcher()) {
      case LOCAL -> local.get();
      case ECS -> ecs.get();
      case NOOP -> noop.get();
    };
  }
}
