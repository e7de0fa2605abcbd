package io.stevedore.scheduler.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.stevedore.common.auth.ApiKeys;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.contract.SubmissionMessage;
import io.stevedore.common.contract.SubmissionReply;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.messaging.IncomingMessage;
import io.stevedore.common.messaging.Outbox;
import io.stevedore.common.messaging.QueueConsumer;
import io.stevedore.scheduler.domain.RunService;
import io.stevedore.scheduler.domain.Submission;
import io.stevedore.scheduler.store.RequestLogStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Run submissions over SQS, with the same contract as HTTP. The idempotency key travels as the
 * message attribute {@code Idempotency-Key}.
 *
 * <ul>
 *   <li>Accepted: the run is created (run row and run-request in one transaction) and, when the
 *       submitter named a reply queue, an {@code ACCEPTED} reply with the run id is sent.
 *   <li>Rejected (unknown team or pipeline, bad parameters...): nothing is lost. The rejection and
 *       its reasons are stored in {@code scheduler.submission_rejections}, a {@code REJECTED} reply
 *       goes to the reply queue when named, and the message is removed.
 *   <li>Not even readable (not JSON, wrong shape, unknown contract version): the handler throws, so
 *       the message is retried and then reaches the dead-letter queue with its reason stored.
 * </ul>
 */
@ApplicationScoped
public class SubmissionConsumer implements QueueConsumer {

  private static final Logger LOG = Logger.getLogger(SubmissionConsumer.class);

  /** Message attribute carrying the idempotency key. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final RunService runs;
  private final ApiKeys teams;
  private final RequestLogStore log;
  private final Outbox outbox;
  private final SqsClient sqs;
  private final Clock clock;
  private final ObjectMapper mapper;
  private final MeterRegistry metrics;

  SubmissionConsumer(
      RunService runs,
      ApiKeys teams,
      RequestLogStore log,
      Outbox outbox,
      SqsClient sqs,
      Clock clock,
      ObjectMapper mapper,
      MeterRegistry metrics) {
    this.runs = runs;
    this.teams = teams;
    this.log = log;
    this.outbox = outbox;
    this.sqs = sqs;
    this.clock = clock;
    this.mapper = mapper;
    this.metrics = metrics;
  }

  @Override
  public String queue() {
    return Queues.SUBMISSIONS;
  }

  @Override
  public void handle(IncomingMessage message) {
    if (message.type() != null
        && !message.type().isEmpty()
        && !SubmissionMessage.TYPE.equals(message.type())) {
      throw new IllegalArgumentException(
          "message type '" + message.type() + "' is not '" + SubmissionMessage.TYPE + "'");
    }
    if (message.version() > SubmissionMessage.VERSION) {
      throw new IllegalArgumentException(
          "submission contract version "
              + message.version()
              + " is not supported (this scheduler reads version "
              + SubmissionMessage.VERSION
              + ")");
    }
    SubmissionMessage submission = message.as(SubmissionMessage.class);
    String key = message.attributes().get(IDEMPOTENCY_KEY);
    try {
      if (submission.team() == null || submission.team().isBlank()) {
        throw ApiException.invalid("team: required field is missing", null);
      }
      UUID teamId = teams.team(submission.team()).id();
      var submitted =
          runs.submit(
              teamId,
              new Submission(
                  submission.pipeline(),
                  submission.version(),
                  submission.parameters(),
                  submission.logicalDate()),
              RunService.Trigger.SQS,
              key);
      count(submitted.created() ? "accepted" : "duplicate");
      reply(
          submission.replyTo(),
          new SubmissionReply(
              message.id(), SubmissionReply.Outcome.ACCEPTED, submitted.run().id(), null));
    } catch (ApiException rejected) {
      List<String> reasons = reasons(rejected);
      LOG.infof(
          "submission %s of team '%s' for pipeline '%s' rejected: %s",
          message.id(), submission.team(), submission.pipeline(), reasons);
      log.rejection(
          message.id(),
          submission.team(),
          submission.pipeline(),
          json(reasons),
          submission.replyTo(),
          clock.instant());
      count("rejected");
      reply(
          submission.replyTo(),
          new SubmissionReply(message.id(), SubmissionReply.Outcome.REJECTED, null, reasons));
    }
  }

  static List<String> reasons(ApiException e) {
    List<String> reasons = new ArrayList<>();
    if (e.errors().isEmpty()) {
      reasons.add(e.getMessage());
    } else {
      e.errors()
          .forEach(
              f ->
                  reasons.add(
                      f.field()
                          + ": "
                          + f.message()
                          + (f.value() == null ? "" : " (got '" + f.value() + "')")));
    }
    return reasons;
  }

  private void reply(String replyTo, SubmissionReply reply) {
    if (replyTo == null || replyTo.isBlank()) {
      return;
    }
    String url = replyTo;
    if (!replyTo.startsWith("http://") && !replyTo.startsWith("https://")) {
      try {
        url = sqs.getQueueUrl(r -> r.queueName(replyTo)).queueUrl();
      } catch (QueueDoesNotExistException e) {
        LOG.warnf(
            "reply queue '%s' does not exist; reply to %s not sent",
            replyTo, reply.submissionMessageId());
        return;
      }
    }
    outbox.send(url, SubmissionReply.TYPE, SubmissionReply.VERSION, reply);
  }

  private void count(String outcome) {
    metrics
        .counter("stevedore.scheduler.submissions", "source", "sqs", "outcome", outcome)
        .increment();
  }

  private String json(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
