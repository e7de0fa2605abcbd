package io.stevedore.scheduler.domain;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/**
 * A request to run a pipeline, the same over HTTP and SQS.
 *
 * @param pipeline the pipeline's name
 * @param version a version, or null for the latest
 * @param parameters values of the pipeline's declared parameters
 * @param logicalDate ISO-8601 date ({@code 2026-11-26}) or date-time, or null for now
 */
@RegisterForReflection
public record Submission(
    String pipeline, Integer version, Map<String, String> parameters, String logicalDate) {

  public Submission {
    parameters = parameters == null ? Map.of() : parameters;
  }
}
