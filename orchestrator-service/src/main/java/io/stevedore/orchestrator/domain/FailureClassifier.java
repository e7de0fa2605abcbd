package io.stevedore.orchestrator.domain;

import io.stevedore.common.spec.PipelineSpec.FailureClass;
import java.util.Locale;
import java.util.Optional;

/**
 * Classifies a stopped task into a {@link FailureClass}, which decides whether it is retried. Works
 * on the fields ECS DescribeTasks returns (and RunTask {@code failures[].reason}); the local
 * launcher reports the same shape. The first matching rule wins:
 *
 * <ol>
 *   <li>stopped by the orchestrator for its timeout: {@code TIMEOUT}
 *   <li>the orchestrator's own {@code Stevedore*} stop codes (security gate refusal, validation):
 *       success with exit code 0, {@code PLATFORM} when no gate verdict could be had, else {@code
 *       USER_ERROR}
 *   <li>{@code SpotInterruption} / {@code TerminationNotice}, "Spot Task was interrupted": {@code
 *       SPOT_INTERRUPTED}
 *   <li>the watchdog's {@link #HEARTBEAT_LOST_CODE} (the worker went silent): {@code
 *       HEARTBEAT_LOST}
 *   <li>{@code OutOfMemoryError} or exit code 137: {@code OUT_OF_MEMORY}
 *   <li>rate limits ("Rate exceeded", {@code ThrottlingException}, "toomanyrequests", a pull rate
 *       limit): {@code THROTTLED}
 *   <li>{@code CannotPullContainerError}, image not found: {@code IMAGE_PULL}
 *   <li>{@code RESOURCE:*}, "Capacity is unavailable", insufficient capacity, no container
 *       instances: {@code CAPACITY}
 *   <li>a command the image does not have ("executable file not found"): {@code USER_ERROR}
 *   <li>other start failures ({@code TaskFailedToStart}, {@code ResourceInitializationError},
 *       {@code CannotStartContainerError}, {@code AGENT}, network interface timeouts): {@code
 *       PLATFORM}
 *   <li>stopped from outside ({@code UserInitiated} without the orchestrator's timeout, {@code
 *       ServiceSchedulerInitiated}): {@code PLATFORM}
 *   <li>a non-zero exit code of the essential container: {@code USER_ERROR}
 *   <li>exit code 0: not a failure; no exit code at all: {@code PLATFORM}
 * </ol>
 */
public final class FailureClassifier {

  /**
   * The stop code the orchestrator's watchdog gives an attempt whose worker went silent (not an ECS
   * code): {@code HEARTBEAT_LOST}.
   */
  public static final String HEARTBEAT_LOST_CODE = "StevedoreHeartbeatLost";

  private FailureClassifier() {}

  /** The failure class, or empty when the task succeeded (exit code 0 and nothing else wrong). */
  public static Optional<FailureClass> classify(StopInfo stop) {
    if (stop.timedOut()) {
      return Optional.of(FailureClass.TIMEOUT);
    }
    String code = lower(stop.stopCode());
    String text = lower(stop.stoppedReason()) + " | " + lower(stop.containerReason());
    Integer exit = stop.exitCode();

    if (code.equals(lower(HEARTBEAT_LOST_CODE))) {
      return Optional.of(FailureClass.HEARTBEAT_LOST);
    }
    if (code.startsWith("stevedore")) {
      // The orchestrator's own stops (security gate, validation): success with exit code 0; a
      // gate that gave no verdict is PLATFORM (retried as the stage allows); the rest USER_ERROR.
      if (exit != null && exit == 0) {
        return Optional.empty();
      }
      return Optional.of(
          code.equals("stevedoresecuritygateunavailable")
              ? FailureClass.PLATFORM
              : FailureClass.USER_ERROR);
    }

    if (code.equals("spotinterruption")
        || code.equals("terminationnotice")
        || text.contains("spot task was interrupted")
        || text.contains("spot interruption")) {
      return Optional.of(FailureClass.SPOT_INTERRUPTED);
    }
    if (text.contains("outofmemoryerror") || (exit != null && exit == 137)) {
      return Optional.of(FailureClass.OUT_OF_MEMORY);
    }
    if (text.contains("rate exceeded")
        || text.contains("throttl")
        || text.contains("toomanyrequests")
        || text.contains("too many requests")
        || text.contains("pull rate limit")
        || text.contains("requestlimitexceeded")) {
      return Optional.of(FailureClass.THROTTLED);
    }
    if (text.contains("cannotpullcontainer")
        || text.contains("pull image manifest")
        || text.contains("imagepull")) {
      return Optional.of(FailureClass.IMAGE_PULL);
    }
    if (text.contains("resource:")
        || text.contains("capacity is unavailable")
        || text.contains("insufficient capacity")
        || text.contains("insufficientcapacity")
        || text.contains("no container instances were found")
        || text.contains("capacity unavailable")) {
      return Optional.of(FailureClass.CAPACITY);
    }
    if (text.contains("executable file not found")) {
      return Optional.of(FailureClass.USER_ERROR);
    }
    if (code.equals("taskfailedtostart")
        || text.contains("resourceinitializationerror")
        || text.contains("cannotstartcontainer")
        || text.contains("cannotcreatecontainer")
        || text.contains("agent")
        || text.contains("network interface")
        || text.contains("internalerror")) {
      return Optional.of(FailureClass.PLATFORM);
    }
    if (code.equals("userinitiated") || code.equals("serviceschedulerinitiated")) {
      // Stopped from outside (StopTask by someone else, a service scale-in): whatever the exit code
      // of the SIGTERM, the stage's code did not fail.
      return Optional.of(FailureClass.PLATFORM);
    }
    if (exit == null) {
      return Optional.of(FailureClass.PLATFORM);
    }
    if (exit != 0) {
      return Optional.of(FailureClass.USER_ERROR);
    }
    return Optional.empty();
  }

  private static String lower(String value) {
    return value == null ? "" : value.toLowerCase(Locale.ROOT);
  }
}
