package io.stevedore.common.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * SQL of table {@code jobs.outbox}, on a connection the caller provides (and commits). Plain JDBC,
 * so it serves the {@link Outbox} (on the current JTA transaction's connection), the {@link
 * OutboxRelay} (on its own local transaction) and tools outside Quarkus alike.
 */
public final class OutboxStore {

  /**
   * Table and columns of an outbox insert, for a statement that writes the row itself: bind {@code
   * message_id, queue, type, version, body} and the attributes as JSON (cast to jsonb).
   */
  public static final String INSERT_COLUMNS =
      "jobs.outbox (message_id, queue, type, version, body, attributes)";

  private static final String INSERT =
      "insert into " + INSERT_COLUMNS + " values (?, ?, ?, ?, ?, ?::jsonb)";

  private static final String CLAIM =
      "select id, message_id, queue, type, version, body, attributes::text, attempts,"
          + " extract(epoch from clock_timestamp() - created_at) * 1000 as age_ms"
          + " from jobs.outbox where next_attempt_at <= now()"
          + " order by id limit ? for update skip locked";

  private static final String DELETE = "delete from jobs.outbox where id = any (?)";

  private static final String RESCHEDULE =
      "update jobs.outbox set attempts = attempts + 1,"
          + " next_attempt_at = now() + make_interval(secs => ?), last_error = ? where id = ?";

  private final ObjectMapper mapper;
  private final JavaType attributesType;

  public OutboxStore(ObjectMapper mapper) {
    this.mapper = mapper;
    this.attributesType =
        mapper.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, String.class);
  }

  /** Inserts one message; it becomes visible to the relay when the caller's transaction commits. */
  public void insert(Connection connection, OutgoingMessage message) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      bind(insert, message);
      insert.executeUpdate();
    }
  }

  /** Inserts several messages with one JDBC batch. */
  public void insertAll(Connection connection, List<OutgoingMessage> messages) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      for (OutgoingMessage message : messages) {
        bind(insert, message);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** Number of rows not yet published (for tests, tools and benchmarks). */
  public long pending(Connection connection) throws SQLException {
    try (PreparedStatement count = connection.prepareStatement("select count(*) from jobs.outbox");
        ResultSet rs = count.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void bind(PreparedStatement insert, OutgoingMessage message) throws SQLException {
    insert.setObject(1, message.messageId());
    insert.setString(2, message.queue());
    insert.setString(3, message.type());
    insert.setInt(4, message.version());
    insert.setString(5, message.body());
    insert.setString(6, toJson(message.attributes()));
  }

  /**
   * Locks up to {@code limit} due rows that no other relay holds. The locks last until the caller's
   * transaction ends.
   */
  List<Row> claimDue(Connection connection, int limit) throws SQLException {
    List<Row> rows = new ArrayList<>(limit);
    try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
      claim.setInt(1, limit);
      try (ResultSet rs = claim.executeQuery()) {
        while (rs.next()) {
          OutgoingMessage message =
              new OutgoingMessage(
                  rs.getObject(2, UUID.class),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getInt(5),
                  rs.getString(6),
                  fromJson(rs.getString(7)));
          rows.add(new Row(rs.getLong(1), message, rs.getInt(8), (long) rs.getDouble(9)));
        }
      }
    }
    return rows;
  }

  /** Deletes rows that were published. */
  void delete(Connection connection, List<Long> ids) throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
      Array array = connection.createArrayOf("bigint", ids.toArray());
      delete.setArray(1, array);
      delete.executeUpdate();
    }
  }

  /** Records failed publications: one more attempt, the error, and when to try again. */
  void reschedule(Connection connection, List<Retry> retries) throws SQLException {
    if (retries.isEmpty()) {
      return;
    }
    try (PreparedStatement update = connection.prepareStatement(RESCHEDULE)) {
      for (Retry retry : retries) {
        update.setDouble(1, retry.delay().toMillis() / 1000.0);
        update.setString(2, retry.error());
        update.setLong(3, retry.id());
        update.addBatch();
      }
      update.executeBatch();
    }
  }

  /** The attributes column of a message, as JSON. */
  public String attributesJson(OutgoingMessage message) {
    return toJson(message.attributes());
  }

  private String toJson(Map<String, String> attributes) {
    if (attributes.isEmpty()) {
      return "{}";
    }
    try {
      return mapper.writeValueAsString(attributes);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("message attributes are not serializable: " + e, e);
    }
  }

  private Map<String, String> fromJson(String json) {
    if (json == null || json.equals("{}")) {
      return Map.of();
    }
    try {
      return mapper.readValue(json, attributesType);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable outbox attributes " + json, e);
    }
  }

  /** A claimed row. */
  record Row(long id, OutgoingMessage message, int attempts, long ageMillis) {}

  /** A failed row's next attempt. */
  record Retry(long id, Duration delay, String error) {}
}
