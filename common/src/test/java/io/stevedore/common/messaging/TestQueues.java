package io.stevedore.common.messaging;

import static org.awaitility.Awaitility.await;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import javax.sql.DataSource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Test helpers around the real ElasticMQ and Postgres: raw receives, raw sends, row counts. */
@ApplicationScoped
public class TestQueues {

  private final SqsClient sqs;
  private final SqsQueues queues;
  private final DataSource dataSource;

  TestQueues(SqsClient sqs, SqsQueues queues, DataSource dataSource) {
    this.sqs = sqs;
    this.queues = queues;
    this.dataSource = dataSource;
  }

  /** A logical queue name no other test uses. */
  static String uniqueQueue(String purpose) {
    return "t-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Receives (and deletes) from {@code url} until {@code done} holds for what came so far. */
  List<Message> receiveUntil(String url, Predicate<List<Message>> done, Duration atMost) {
    List<Message> received = new ArrayList<>();
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              received.addAll(receiveOnce(url));
              return done.test(received);
            });
    return received;
  }

  /** One receive of up to 10 messages with a 1 s wait; deletes what it got. */
  List<Message> receiveOnce(String url) {
    List<Message> messages =
        sqs.receiveMessage(
                b ->
                    b.queueUrl(url)
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(1)
                        .messageAttributeNames("All")
                        .messageSystemAttributeNames(
                            MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
            .messages();
    for (Message m : messages) {
      sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
    }
    return messages;
  }

  /**
   * Sends a message straight to SQS with the given Stevedore message id (a redelivery stand-in).
   */
  void sendRaw(String queue, String messageId, String type, String body) {
    sendRaw(queue, messageId, type, body, java.util.Map.of());
  }

  /** {@link #sendRaw(String, String, String, String)} with more string attributes. */
  void sendRaw(
      String queue,
      String messageId,
      String type,
      String body,
      java.util.Map<String, String> more) {
    java.util.Map<String, MessageAttributeValue> attributes = new java.util.HashMap<>();
    attributes.put(MessageAttributes.MESSAGE_ID, string(messageId));
    attributes.put(MessageAttributes.TYPE, string(type));
    attributes.put(
        MessageAttributes.VERSION,
        MessageAttributeValue.builder().dataType("Number").stringValue("1").build());
    more.forEach((k, v) -> attributes.put(k, string(v)));
    sqs.sendMessage(
        b -> b.queueUrl(queues.url(queue)).messageBody(body).messageAttributes(attributes));
  }

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  static String id(Message message) {
    MessageAttributeValue id = message.messageAttributes().get(MessageAttributes.MESSAGE_ID);
    return id == null ? null : id.stringValue();
  }

  /** Messages visible plus in flight, as SQS approximates them. */
  int approximateCount(String url) {
    var attributes =
        sqs.getQueueAttributes(
                b ->
                    b.queueUrl(url)
                        .attributeNamesWithStrings(
                            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
            .attributesAsStrings();
    return Integer.parseInt(attributes.getOrDefault("ApproximateNumberOfMessages", "0"))
        + Integer.parseInt(attributes.getOrDefault("ApproximateNumberOfMessagesNotVisible", "0"));
  }

  /** A single long/int value from a query with string parameters. */
  long count(String sql, Object... parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        query.setObject(i + 1, parameters[i]);
      }
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs DDL or DML outside any transaction. */
  void execute(String sql) {
    try (Connection connection = dataSource.getConnection();
        var statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  List<String> strings(String sql, Object... parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        query.setObject(i + 1, parameters[i]);
      }
      List<String> values = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          values.add(rs.getString(1));
        }
      }
      return values;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
