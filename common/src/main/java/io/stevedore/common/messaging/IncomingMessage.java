package io.stevedore.common.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A received SQS message as a {@link MessageHandler} sees it.
 *
 * <p>{@link #id()} is the {@value MessageAttributes#MESSAGE_ID} attribute, or the SQS message id
 * for messages from other producers (such as EventBridge); consumers deduplicate on it. {@link
 * #type()} is empty and {@link #version()} 0 when the producer did not set them.
 */
public final class IncomingMessage {

  private final String queue;
  private final String id;
  private final String sqsMessageId;
  private final String type;
  private final int version;
  private final Map<String, String> attributes;
  private final String rawBody;
  private final String contentEncoding;
  private String body;
  private final int receiveCount;
  private final Instant sentAt;
  private final ObjectMapper mapper;

  IncomingMessage(String queue, Message message, ObjectMapper mapper) {
    this.queue = queue;
    this.mapper = mapper;
    this.sqsMessageId = message.messageId();
    this.rawBody = message.body();
    Map<String, String> attributes = new LinkedHashMap<>();
    for (Map.Entry<String, MessageAttributeValue> attribute :
        message.messageAttributes().entrySet()) {
      if (attribute.getValue().stringValue() != null) {
        attributes.put(attribute.getKey(), attribute.getValue().stringValue());
      }
    }
    this.attributes = Map.copyOf(attributes);
    this.id = attributes.getOrDefault(MessageAttributes.MESSAGE_ID, sqsMessageId);
    this.type = attributes.getOrDefault(MessageAttributes.TYPE, "");
    this.contentEncoding = attributes.get(MessageAttributes.CONTENT_ENCODING);
    this.version = parseInt(attributes.get(MessageAttributes.VERSION), 0);
    Map<MessageSystemAttributeName, String> system = message.attributes();
    this.receiveCount =
        parseInt(system.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT), 1);
    String sent = system.get(MessageSystemAttributeName.SENT_TIMESTAMP);
    this.sentAt = sent == null ? null : Instant.ofEpochMilli(parseLong(sent));
  }

  private static int parseInt(String value, int fallback) {
    try {
      return value == null ? fallback : Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static long parseLong(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The logical queue it came from. */
  public String queue() {
    return queue;
  }

  /** The message id consumers deduplicate on. */
  public String id() {
    return id;
  }

  /** The id SQS gave this message. */
  public String sqsMessageId() {
    return sqsMessageId;
  }

  /** The message type ({@value MessageAttributes#TYPE}), or empty. */
  public String type() {
    return type;
  }

  /** The contract version ({@value MessageAttributes#VERSION}), or 0. */
  public int version() {
    return version;
  }

  /** Every string or number message attribute, including the {@code stevedore-*} ones. */
  public Map<String, String> attributes() {
    return attributes;
  }

  /**
   * The body (JSON for outbox messages), decoded when it travelled compressed ({@link
   * ContentEncoding}).
   *
   * @throws IllegalArgumentException when its {@value MessageAttributes#CONTENT_ENCODING} is
   *     unknown or it does not decode (the message then fails like any bad body)
   */
  public String body() {
    if (body == null) {
      try {
        body = ContentEncoding.decode(rawBody, contentEncoding);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "message " + id + " of type '" + type + "': " + e.getMessage(), e);
      }
    }
    return body;
  }

  /** How many times SQS delivered it, this delivery included (1 on the first). */
  public int receiveCount() {
    return receiveCount;
  }

  /** When SQS accepted it, if known. */
  public Instant sentAt() {
    return sentAt;
  }

  /**
   * The body read as {@code type} with Jackson. For native builds, register the type for reflection
   * ({@code @RegisterForReflection}), as for any JSON-bound class.
   *
   * @throws IllegalArgumentException if the body is not a valid {@code type}
   */
  public <T> T as(Class<T> type) {
    try {
      return mapper.readValue(body(), type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "message "
              + id
              + " of type '"
              + this.type
              + "' is not a valid "
              + type.getSimpleName()
              + ": "
              + e.getOriginalMessage(),
          e);
    }
  }

  /** The body as a JSON tree. */
  public JsonNode json() {
    return as(JsonNode.class);
  }

  @Override
  public String toString() {
    return "message " + id + " (" + type + " v" + version + ") from " + queue;
  }
}
