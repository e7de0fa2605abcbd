package io.stevedore.common.messaging;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/** SQL of {@code jobs.handled_messages} and {@code jobs.message_failures}. */
final class ConsumerStore {

  private static final String MARK_HANDLED =
      "insert into jobs.handled_messages (consumer, message_id) values (?, ?)"
          + " on conflict do nothing";

  private static final String RECORD_FAILURE =
      "insert into jobs.message_failures (queue, consumer, message_id, type, receive_count, reason)"
          + " values (?, ?, ?, ?, ?, ?)";

  private ConsumerStore() {}

  /**
   * Records that {@code consumer} handled {@code messageId}, on the caller's (transaction's)
   * connection. Returns false if it was already recorded; if another transaction holds the same id
   * uncommitted, waits for it (so two concurrent deliveries handle once).
   */
  static boolean markHandled(Connection connection, String consumer, String messageId)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(MARK_HANDLED)) {
      insert.setString(1, consumer);
      insert.setString(2, messageId);
      return insert.executeUpdate() == 1;
    }
  }

  static void recordFailure(
      Connection connection, String queue, String consumer, IncomingMessage message, String reason)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(RECORD_FAILURE)) {
      insert.setString(1, queue);
      insert.setString(2, consumer);
      insert.setString(3, message.id());
      insert.setString(4, message.type().isEmpty() ? null : message.type());
      insert.setInt(5, message.receiveCount());
      insert.setString(6, reason);
      insert.executeUpdate();
    }
  }

  /** Deletes bookkeeping older than the retentions; returns {handled ids, failures} deleted. */
  static int[] prune(Connection connection, Duration handled, Duration failures)
      throws SQLException {
    int[] deleted = new int[2];
    try (PreparedStatement delete =
        connection.prepareStatement(
            "delete from jobs.handled_messages where handled_at < now() - make_interval(secs => ?)")) {
      delete.setDouble(1, handled.toSeconds());
      deleted[0] = delete.executeUpdate();
    }
    try (PreparedStatement delete =
        connection.prepareStatement(
            "delete from jobs.message_failures where failed_at < now() - make_interval(secs => ?)")) {
      delete.setDouble(1, failures.toSeconds());
      deleted[1] = delete.executeUpdate();
    }
    return deleted;
  }
}
