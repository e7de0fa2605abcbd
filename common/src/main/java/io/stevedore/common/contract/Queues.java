package io.stevedore.common.contract;

/**
 * Logical queue names; the configured prefix ({@code stevedore.messaging.queue-prefix}) is added in
 * front, and each queue has a dead-letter queue named {@code <queue>-dlq}.
 */
public final class Queues {

  /** Run submissions from teams (same contract as HTTP): {@link SubmissionMessage}. */
  public static final String SUBMISSIONS = "submissions";

  /** Scheduler to orchestrator: {@link RunRequest}. */
  public static final String RUN_REQUESTS = "run-requests";

  /** ECS task state changes, local launcher events, worker heartbeats: {@link TaskEvent}. */
  public static final String TASK_EVENTS = "task-events";

  /** Orchestrator to validation-service: {@link ValidationRequest}. */
  public static final String VALIDATION_REQUESTS = "validation-requests";

  /** Validation-service to orchestrator: {@link ValidationResult}. */
  public static final String VALIDATION_RESULTS = "validation-results";

  /**
   * Run lifecycle for one subscriber: {@code run-events-<subscriber>}, {@link RunEventBatch} (the
   * changes of one orchestrator transaction).
   */
  public static final String RUN_EVENTS_PREFIX = "run-events-";

  /** Images to scan: {@link ImageScanRequest}. */
  public static final String IMAGE_SCANS = "image-scans";

  /**
   * Alerts from every service (a stage's final failure, a failed validation, an image that now
   * fails its policy): {@link Alert}. The orchestrator delivers them to the configured webhooks.
   */
  public static final String ALERTS = "alerts";

  private Queues() {}

  /** The run-events queue of one subscriber, such as {@code run-events-cost}. */
  public static String runEvents(String subscriber) {
    return RUN_EVENTS_PREFIX + subscriber;
  }
}
