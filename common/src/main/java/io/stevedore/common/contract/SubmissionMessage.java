package io.stevedore.common.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/**
 * A run submission sent to the submissions queue; the same fields as the HTTP submission. The
 * idempotency key travels as the message attribute {@code Idempotency-Key}.
 *
 * @param team the submitting team's name
 * @param pipeline the pipeline's name
 * @param version the pipeline version, or null for the latest
 * @param parameters run parameters declared by the pipeline
 * @param logicalDate the logical date (ISO-8601 date or date-time), or null for now
 * @param replyTo a queue name or URL for the reply, or null for none
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubmissionMessage(
    String team,
    String pipeline,
    Integer version,
    Map<String, String> parameters,
    String logicalDate,
    String replyTo)
    implements MessageContract {

  public static final String TYPE = "submission";
  public static final int VERSION = 1;

  @Override
  public String contractType() {
    return TYPE;
  }

  @Override
  public int contractVersion() {
    return VERSION;
  }
}
