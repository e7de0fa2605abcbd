package io.stevedore.orchestrator.ops;

import java.util.List;

/** Pipeline YAML with container stages running shell scripts, and the scripts' task events. */
final class Stages {

  private Stages() {}

  /**
   * A shell function {@code ev KIND [EXTRA_JSON]} that sends a task event of this attempt to the
   * task-events queue with curl (SQS query protocol, no message attributes), as a worker would.
   */
  static final String EVENT_FUNCTION =
      "ev() { curl -s -o /dev/null --data-urlencode Action=SendMessage --data-urlencode"
          + " \"MessageBody={\\\"kind\\\":\\\"$1\\\",\\\"stageRunId\\\":\\\"$STEVEDORE_STAGE_RUN_ID\\\","
          + "\\\"attempt\\\":$STEVEDORE_ATTEMPT$2}\" \"$STEVEDORE_TASK_EVENTS_QUEUE_URL\"; }; ";

  /** A container stage running {@code sh -c script}. */
  static String stage(String id, List<String> dependsOn, String script, String extra) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("  - id: ").append(id).append("\n    type: container\n    image: busybox\n");
    if (!dependsOn.isEmpty()) {
      yaml.append("    dependsOn: [").append(String.join(", ", dependsOn)).append("]\n");
    }
    yaml.append("    command: [\"sh\", \"-c\", \"")
        .append(script.replace("\\", "\\\\").replace("\"", "\\\""))
        .append("\"]\n");
    if (extra != null) {
      yaml.append(extra);
    }
    return yaml.toString();
  }

  static String pipeline(String team, String name, String stages) {
    return "name: " + name + "\nteam: " + team + "\nstages:\n" + stages;
  }
}
