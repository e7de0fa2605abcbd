package io.stevedore.validation.messaging;

import io.quarkus.arc.lookup.LookupIfProperty;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.contract.ValidationRequest;
import io.stevedore.common.contract.ValidationResult;
import io.stevedore.common.contract.ValidationResult.Verdict;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.messaging.IncomingMessage;
import io.stevedore.common.messaging.Outbox;
import io.stevedore.common.messaging.QueueConsumer;
import io.stevedore.validation.dataset.DatasetNotFoundException;
import io.stevedore.validation.domain.Correction;
import io.stevedore.validation.domain.SuiteService;
import io.stevedore.validation.domain.SuiteService.SuiteVersion;
import io.stevedore.validation.domain.ValidationService;
import io.stevedore.validation.engine.EngineException;
import io.stevedore.validation.engine.ValidationReport;
import io.stevedore.validation.store.ResultStore.ResultRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Validation requests from the orchestrator's validate stages. Every request is answered on the
 * results queue (through the outbox, in the same transaction as the stored result):
 *
 * <ul>
 *   <li>validated: the verdict, score, failed checks and report URI; with {@code onFail:
 *       quarantine} or an {@code outputUri}, the suite's corrections are applied too and the result
 *       names the corrected dataset, the quarantine file and the rows removed;
 *   <li>not validated (unknown team or suite, missing or unreadable data, a suite that does not fit
 *       the data): verdict fail with {@code error} saying why; stored too when the suite is known;
 *   <li>a redelivered request for an attempt already validated: the stored result again.
 * </ul>
 *
 * A message that is not a validation request, and an S3 or database outage, make the handler throw,
 * so the message is retried and then dead-lettered.
 *
 * <p>{@code stevedore.validation.consumer.enabled=false} keeps it from starting (the one-shot task
 * sets it).
 */
@ApplicationScoped
@LookupIfProperty(
    name = "stevedore.validation.consumer.enabled",
    stringValue = "true",
    lookupIfMissing = true)
public class ValidationRequestConsumer implements QueueConsumer {

  private static final Logger LOG = Logger.getLogger(ValidationRequestConsumer.class);

  private final SuiteService suites;
  private final ValidationService validations;
  private final Outbox outbox;

  ValidationRequestConsumer(SuiteService suites, ValidationService validations, Outbox outbox) {
    this.suites = suites;
    this.validations = validations;
    this.outbox = outbox;
  }

  @Override
  public String queue() {
    return Queues.VALIDATION_REQUESTS;
  }

  @Override
  public void handle(IncomingMessage message) {
    if (!message.type().isEmpty() && !ValidationRequest.TYPE.equals(message.type())) {
      throw new IllegalArgumentException(
          "message type '" + message.type() + "' is not '" + ValidationRequest.TYPE + "'");
    }
    if (message.version() > ValidationRequest.VERSION) {
      throw new IllegalArgumentException(
          "validation-request contract version "
              + message.version()
              + " is not supported (this service reads version "
              + ValidationRequest.VERSION
              + ")");
    }
    ValidationRequest request = message.as(ValidationRequest.class);
    ValidationService.Stage stage =
        new ValidationService.Stage(
            request.stageRunId(), request.runId(), request.stageId(), request.attempt());
    boolean correct =
        "quarantine".equalsIgnoreCase(request.onFail())
            || (request.outputUri() != null && !request.outputUri().isBlank());
    ValidationService.Target target =
        new ValidationService.Target(
            request.suite(),
            null,
            request.datasetUri(),
            request.format(),
            null,
            correct,
            request.outputUri());
    if (request.teamId() == null || request.suite() == null || request.datasetUri() == null) {
      answerError(request, "teamId, suite and datasetUri are required");
      return;
    }
    Optional<SuiteVersion> suite = suites.find(request.teamId(), request.suite(), null);
    if (suite.isEmpty()) {
      answerError(request, "suite '" + request.suite() + "' not found for the request's team");
      return;
    }
    Optional<ResultRow> done = validations.existing(stage, suite.get());
    if (done.isPresent()) {
      LOG.infof("%s: attempt already validated, answering again", message);
      answer(
          request,
          done.get(),
          validations.failedChecks(done.get()),
          validations.correction(done.get()));
      return;
    }
    try {
      ValidationService.Outcome outcome =
          validations.run(request.teamId(), suite.get(), target, stage);
      ValidationReport report = outcome.report();
      answer(request, outcome.result(), report.failedChecks(), outcome.correction());
    } catch (DatasetNotFoundException | EngineException e) {
      fail(request, suite.get(), target, stage, e.getMessage());
    } catch (ApiException e) {
      if (e.status() != 422 && e.status() != 404) {
        throw e;
      }
      String detail =
          e.errors().isEmpty()
              ? e.getMessage()
              : e.getMessage()
                  + " ["
                  + String.join(
                      "; ", e.errors().stream().map(f -> f.field() + ": " + f.message()).toList())
                  + "]";
      fail(request, suite.get(), target, stage, detail);
    }
  }

  private void fail(
      ValidationRequest request,
      SuiteVersion suite,
      ValidationService.Target target,
      ValidationService.Stage stage,
      String error) {
    ResultRow row = validations.recordFailure(request.teamId(), suite, target, stage, error);
    answer(request, row, List.of(), null);
  }

  private void answer(
      ValidationRequest request, ResultRow row, List<String> failedChecks, Correction correction) {
    outbox.send(
        Queues.VALIDATION_RESULTS,
        new ValidationResult(
            request.stageRunId(),
            request.runId(),
            request.stageId(),
            request.attempt(),
            row.verdict(),
            row.score(),
            failedChecks,
            row.reportUri(),
            row.error(),
            correction == null ? null : correction.correctedUri(),
            correction == null ? null : correction.quarantineUri(),
            correction == null ? null : correction.quarantinedRows()));
  }

  private void answerError(ValidationRequest request, String error) {
    LOG.warnf("validation request for stage run %s not run: %s", request.stageRunId(), error);
    outbox.send(
        Queues.VALIDATION_RESULTS,
        new ValidationResult(
            request.stageRunId(),
            request.runId(),
            request.stageId(),
            request.attempt(),
            Verdict.FAIL,
            0.0,
            List.of(),
            null,
            error,
            null,
            null,
            null));
  }
}
