package io.stevedore.worker.stream;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * An SQS queue read as a stream. SQS delivers at least once, so exactly-once comes from the
 * warehouse: each batch inserts its message ids into {@code stevedore_stream_seen} in the
 * transaction that writes its rows, skips the ids already there, and deletes the messages only
 * after the commit. Records that are not JSON objects are moved to the dead-letter queue ({@code
 * <queue>-dlq} unless named) with the reason as the message attribute {@code
 * stevedore-reject-reason}, then deleted.
 */
final class SqsStreamSource implements StreamSource {

  static final String REASON_ATTRIBUTE = "stevedore-reject-reason";
  static final String SOURCE_ID_ATTRIBUTE = "stevedore-source-message-id";
  static final String STREAM_ID_ATTRIBUTE = "stevedore-stream-id";

  /** SQS keeps a message at most 14 days: older ids can never be delivered again. */
  private static final Duration SEEN_RETENTION = Duration.ofDays(15);

  private static final Logger LOG = Logger.getLogger(SqsStreamSource.class);

  private final SqsClient sqs;
  private final String queue;
  private final String deadLetterQueue;
  private final String streamId;
  private final Duration visibilityTimeout;
  private final Clock clock;
  private String queueUrl;
  private String deadLetterUrl;

  /** Receipt handles of the current batch, by message id. */
  private final Map<String, String> receipts = new LinkedHashMap<>();

  SqsStreamSource(
      SqsClient sqs,
      String queue,
      String deadLetterQueue,
      String streamId,
      Duration visibilityTimeout,
      Clock clock) {
    this.sqs = sqs;
    this.queue = queue;
    this.deadLetterQueue = deadLetterQueue != null ? deadLetterQueue : defaultDeadLetter(queue);
    this.streamId = streamId;
    this.visibilityTimeout = visibilityTimeout;
    this.clock = clock;
  }

  /**
   * {@code orders} gives {@code orders-dlq}; a FIFO queue {@code orders.fifo} gives {@code
   * orders-dlq.fifo}.
   */
  static String defaultDeadLetter(String queue) {
    String name = queue.substring(queue.lastIndexOf('/') + 1);
    return name.endsWith(".fifo")
        ? name.substring(0, name.length() - 5) + "-dlq.fifo"
        : name + "-dlq";
  }

  @Override
  public String describe() {
    return "sqs queue '" + queue + "'";
  }

  @Override
  public void open(Connection db) throws SQLException {
    queueUrl = url(queue, "the stream's queue");
    deadLetterUrl =
        url(
            deadLetterQueue,
            "the dead-letter queue (records that are not JSON objects are moved there; create it"
                + " or name another with --dead-letter-queue)");
    try (Statement st = db.createStatement()) {
      st.execute(
          "create table if not exists stevedore_stream_seen (stream_id text not null, message_id"
              + " text not null, seen_at timestamptz not null default now(), primary key"
              + " (stream_id, message_id))");
    }
    try (PreparedStatement ps =
        db.prepareStatement(
            "delete from stevedore_stream_seen where stream_id = ? and seen_at < now() - ?"
                + " * interval '1 second'")) {
      ps.setString(1, streamId);
      ps.setLong(2, SEEN_RETENTION.toSeconds());
      ps.executeUpdate();
    }
    db.commit();
  }

  private String url(String nameOrUrl, String what) {
    if (nameOrUrl.startsWith("http://") || nameOrUrl.startsWith("https://")) {
      return nameOrUrl;
    }
    try {
      return sqs.getQueueUrl(b -> b.queueName(nameOrUrl)).queueUrl();
    } catch (QueueDoesNotExistException e) {
      throw new StreamException(what + ": SQS queue '" + nameOrUrl + "' does not exist");
    } catch (SdkException e) {
      throw new StreamException(
          what + ": cannot look up SQS queue '" + nameOrUrl + "': " + e.getMessage());
    }
  }

  @Override
  public Batch poll(int maxRecords, Duration maxWait, BooleanSupplier stopping) {
    receipts.clear();
    List<StreamRecord> records = new ArrayList<>();
    long now = clock.millis();
    long deadline = now + maxWait.toMillis();
    long oldestSent = Long.MAX_VALUE;
    while (records.size() < maxRecords && !stopping.getAsBoolean()) {
      long left = deadline - clock.millis();
      if (left <= 0) {
        break;
      }
      // Long-poll for whole seconds while nothing came; once records came, take what is there.
      int wait = records.isEmpty() ? (int) Math.min(20, left / 1000) : 0;
      int max = Math.min(10, maxRecords - records.size());
      List<Message> messages =
          sqs.receiveMessage(
                  b ->
                      b.queueUrl(queueUrl)
                          .maxNumberOfMessages(max)
                          .waitTimeSeconds(wait)
                          .visibilityTimeout((int) visibilityTimeout.toSeconds())
                          .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP))
              .messages();
      for (Message m : messages) {
        if (receipts.put(m.messageId(), m.receiptHandle()) == null) {
          records.add(new StreamRecord(m.messageId(), m.body()));
          String sent = m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
          if (sent != null) {
            oldestSent = Math.min(oldestSent, Long.parseLong(sent));
          }
        }
      }
      if (messages.isEmpty() && !records.isEmpty()) {
        break;
      }
      if (messages.isEmpty() && wait == 0) {
        sleepQuietly(Math.min(200, left));
      }
    }
    long lag = oldestSent == Long.MAX_VALUE ? 0 : Math.max(0, clock.millis() - oldestSent);
    return new Batch(records, lag, records.isEmpty() ? null : backlog());
  }

  private Long backlog() {
    try {
      String n =
          sqs.getQueueAttributes(
                  b ->
                      b.queueUrl(queueUrl)
                          .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
              .attributes()
              .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
      return n == null ? null : Long.parseLong(n);
    } catch (SdkException | NumberFormatException e) {
      LOG.debugf("cannot read the backlog of %s: %s", queue, e.getMessage());
      return null;
    }
  }

  @Override
  public List<StreamRecord> claim(Connection tx, Batch batch) throws SQLException {
    List<String> ids = batch.records().stream().map(StreamRecord::id).toList();
    Set<String> fresh = new HashSet<>();
    try (PreparedStatement ps =
        tx.prepareStatement(
            "insert into stevedore_stream_seen (stream_id, message_id) select ?, id from"
                + " unnest(?::text[]) as ids(id) on conflict do nothing returning message_id")) {
      Array array = tx.createArrayOf("text", ids.toArray());
      ps.setString(1, streamId);
      ps.setArray(2, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          fresh.add(rs.getString(1));
        }
      }
    }
    return batch.records().stream().filter(r -> fresh.contains(r.id())).toList();
  }

  @Override
  public void reject(Connection tx, List<Rejected> rejected) {
    // Moved to the dead-letter queue after the commit, in committed().
  }

  @Override
  public void committed(Batch batch, List<Rejected> rejected) {
    for (Rejected r : rejected) {
      var b =
          software.amazon.awssdk.services.sqs.model.SendMessageRequest.builder()
              .queueUrl(deadLetterUrl)
              .messageBody(r.record().body().isEmpty() ? "(empty)" : r.record().body())
              .messageAttributes(
                  Map.of(
                      REASON_ATTRIBUTE, text(r.reason()),
                      SOURCE_ID_ATTRIBUTE, text(r.record().id()),
                      STREAM_ID_ATTRIBUTE, text(streamId)));
      if (deadLetterUrl.endsWith(".fifo")) {
        b.messageGroupId(streamId).messageDeduplicationId(r.record().id());
      }
      sqs.sendMessage(b.build());
    }
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
    int i = 0;
    for (String handle : receipts.values()) {
      entries.add(
          DeleteMessageBatchRequestEntry.builder().id("m" + i++).receiptHandle(handle).build());
    }
    for (int from = 0; from < entries.size(); from += 10) {
      List<DeleteMessageBatchRequestEntry> chunk =
          entries.subList(from, Math.min(entries.size(), from + 10));
      try {
        var response = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(chunk));
        if (response.hasFailed() && !response.failed().isEmpty()) {
          // They come back after the visibility timeout and are skipped as seen.
          LOG.warnf(
              "%d messages of %s were not deleted (%s); they will be skipped when delivered again",
              response.failed().size(), queue, response.failed().get(0).message());
        }
      } catch (SdkException e) {
        LOG.warnf(
            "deleting %d messages of %s failed (%s); they will be skipped when delivered again",
            chunk.size(), queue, e.getMessage());
      }
    }
    receipts.clear();
  }

  @Override
  public void abandoned(Batch batch) {
    // Make the messages visible again at once rather than after the visibility timeout.
    List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
    int i = 0;
    for (String handle : receipts.values()) {
      entries.add(
          ChangeMessageVisibilityBatchRequestEntry.builder()
              .id("m" + i++)
              .receiptHandle(handle)
              .visibilityTimeout(0)
              .build());
    }
    for (int from = 0; from < entries.size(); from += 10) {
      List<ChangeMessageVisibilityBatchRequestEntry> chunk =
          entries.subList(from, Math.min(entries.size(), from + 10));
      try {
        sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(chunk));
      } catch (SdkException e) {
        LOG.debugf("cannot release messages of %s: %s", queue, e.getMessage());
      }
    }
    receipts.clear();
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  static void sleepQuietly(long millis) {
    try {
      Thread.sleep(Math.max(1, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    // the SqsClient belongs to the container
  }
}
