package io.stevedore.common.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.UUID;

/**
 * The scheduler's answer to an SQS submission, sent to the queue the submitter named.
 *
 * @param submissionMessageId the message id of the submission answered
 * @param outcome accepted or rejected
 * @param runId the run created (or found by idempotency key) when accepted
 * @param reasons why it was rejected, each naming the field and value
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubmissionReply(
    String submissionMessageId, Outcome outcome, UUID runId, List<String> reasons)
    implements MessageContract {

  public static final String TYPE = "submission-reply";
  public static final int VERSION = 1;

  /** Whether the submission became a run. */
  public enum Outcome {
    ACCEPTED,
    REJECTED
  }

  @Override
  public String contractType() {
    return TYPE;
  }

  @Override
  public int contractVersion() {
    return VERSION;
  }
}
