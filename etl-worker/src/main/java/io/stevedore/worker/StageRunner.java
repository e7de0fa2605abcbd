package io.stevedore.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.worker.engine.StageWork;
import io.stevedore.worker.report.StageResult;
import io.stevedore.worker.report.TaskEventBody;
import io.stevedore.worker.report.TaskEvents;
import io.stevedore.worker.stage.InvalidStageException;
import io.stevedore.worker.stage.StageContext;
import io.stevedore.worker.stage.StageEnvironment;
import io.stevedore.worker.stage.StageFailedException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.PrintWriter;
import java.time.Clock;
import org.jboss.logging.Logger;
import picocli.CommandLine;

/**
 * Runs one stage attempt around its work: reads the context (options over environment), sends
 * heartbeats while the work runs, then the RESULT event, and prints the result as one JSON line.
 * Turns failures into exit codes and messages: 2 for an invalid stage (options, environment or
 * spec), 1 for a stage that ran and failed; never a stack trace on stderr.
 */
@ApplicationScoped
class StageRunner {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int INVALID = 2;

  private static final Logger LOG = Logger.getLogger(StageRunner.class);

  private final TaskEvents events;
  private final ObjectMapper mapper;

  StageRunner(TaskEvents events, ObjectMapper mapper) {
    this.events = events;
    this.mapper = mapper;
  }

  /** A stage's work, given its context. */
  interface Work {
    StageWork run(StageContext context);
  }

  int run(CommandLine cl, String type, StageOptions options, Work work) {
    PrintWriter err = cl.getErr();
    long started = System.nanoTime();
    StageContext context;
    try {
      context =
          new StageEnvironment(System.getenv(), mapper, Clock.systemUTC())
              .read(type, options.overrides());
    } catch (InvalidStageException e) {
      return invalid(cl, type, e);
    }
    StageWork done;
    try (AutoCloseable heartbeats = events.startHeartbeats(context)) {
      done = work.run(context);
    } catch (InvalidStageException e) {
      return invalid(cl, type, e);
    } catch (StageFailedException e) {
      err.printf(
          "etl-worker %s failed (stage %s, attempt %d): %s%n",
          type, context.stageId(), context.attempt(), e.getMessage());
      err.flush();
      LOG.debug("stage failure", e);
      return FAILED;
    } catch (Exception e) {
      err.printf(
          "etl-worker %s failed unexpectedly (stage %s, attempt %d): %s%n",
          type, context.stageId(), context.attempt(), e);
      err.flush();
      LOG.debug("unexpected failure", e);
      return FAILED;
    }
    StageResult result =
        new StageResult(
            done.rowsIn(),
            done.rowsOut(),
            done.bytesIn(),
            done.bytesOut(),
            (System.nanoTime() - started) / 1_000_000,
            done.schema());
    TaskEventBody event = events.resultEvent(context, done.outputs(), result);
    try {
      events.sendResult(context, event);
    } catch (RuntimeException e) {
      // The output is in place at its default location, where the orchestrator also looks.
      LOG.warnf("the RESULT event was not sent: %s", e.getMessage());
    }
    try {
      cl.getOut().println(mapper.writeValueAsString(event));
      cl.getOut().flush();
    } catch (JsonProcessingException e) {
      LOG.warnf("cannot print the result: %s", e.getOriginalMessage());
    }
    return OK;
  }

  private static int invalid(CommandLine cl, String type, InvalidStageException e) {
    cl.getErr().printf("etl-worker %s: %s%n", type, e.getMessage());
    cl.getErr().printf("Try 'etl-worker %s --help' for the options.%n", type);
    cl.getErr().flush();
    return INVALID;
  }
}
