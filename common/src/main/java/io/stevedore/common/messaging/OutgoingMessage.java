package io.stevedore.common.messaging;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A message as the outbox stores it.
 *
 * @param messageId the id consumers deduplicate on (attribute {@value
 *     MessageAttributes#MESSAGE_ID})
 * @param queue the logical queue name (the configured prefix is added when publishing), or a full
 *     queue URL
 * @param type the message type
 * @param version the version of the type's contract
 * @param body the payload as JSON
 * @param attributes custom string attributes (at most {@value MessageAttributes#MAX_CUSTOM})
 */
public record OutgoingMessage(
    UUID messageId,
    String queue,
    String type,
    int version,
    String body,
    Map<String, String> attributes) {

  public OutgoingMessage {
    Objects.requireNonNull(messageId, "messageId");
    SqsQueues.checkLogicalName(queue);
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("message type must not be blank (queue '" + queue + "')");
    }
    if (version < 0) {
      throw new IllegalArgumentException(
          "message version must not be negative, got " + version + " for type '" + type + "'");
    }
    Objects.requireNonNull(body, "body");
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    MessageAttributes.checkCustom(attributes);
  }
}
