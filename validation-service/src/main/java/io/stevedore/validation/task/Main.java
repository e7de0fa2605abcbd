package io.stevedore.validation.task;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Arrays;
import java.util.Map;

/**
 * The validation service's entry point: without arguments it is the service; {@code validate ...}
 * runs the one-shot task ({@link OneShotValidation}) and exits with its code.
 *
 * <p>For the task, what a one-shot needs no part of is turned off unless set otherwise (system
 * properties win over the environment and the files): the HTTP server, the SQS consumer, the outbox
 * relay, queue declarations and the schema migration. The database is then only used when the suite
 * is read from it.
 */
@QuarkusMain
public class Main {

  /** What the one-shot task turns off, unless the command line sets it. */
  static final Map<String, String> TASK_SETTINGS =
      Map.of(
          "quarkus.http.host-enabled", "false",
          "stevedore.validation.consumer.enabled", "false",
          "stevedore.messaging.relay.enabled", "false",
          "stevedore.messaging.queues", "",
          "stevedore.messaging.create-queues", "false",
          "stevedore.db.migrate-at-start", "false",
          "quarkus.log.console.stderr", "true",
          "quarkus.banner.enabled", "false");

  private Main() {}

  public static void main(String... args) {
    if (args.length > 0 && args[0].equals(OneShotValidation.COMMAND)) {
      TASK_SETTINGS.forEach(
          (k, v) -> {
            if (System.getProperty(k) == null) {
              System.setProperty(k, v);
            }
          });
      Quarkus.run(ValidateTask.class, Arrays.copyOfRange(args, 1, args.length));
    } else {
      Quarkus.run(args);
    }
  }
}
