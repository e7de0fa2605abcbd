package io.stevedore.common.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.common.contract.MessageContract;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The transactional outbox: {@link #send} writes a message into {@code jobs.outbox} on the current
 * transaction's connection, so it is published if and only if the transaction commits. After the
 * commit the {@link OutboxRelay} is woken and publishes it to SQS.
 *
 * <pre>{@code
 * @Transactional
 * void accept(Run run) {
 *   runs.insert(run);
 *   outbox.send(Queues.RUN_REQUESTS, runRequest); // a MessageContract: type and version from it
 *   // or: outbox.send("run-requests", "run-request", 1, payload)
 * }
 * }</pre>
 *
 * <p>Messages carry the attributes {@value MessageAttributes#MESSAGE_ID} (a new UUID), {@value
 * MessageAttributes#TYPE} and {@value MessageAttributes#VERSION}; the body is the payload as JSON.
 */
@ApplicationScoped
public class Outbox {

  private static final Object WAKE_REGISTERED = new Object();

  private final DataSource dataSource;
  private final TransactionSynchronizationRegistry transactions;
  private final ObjectMapper mapper;
  private final OutboxRelay relay;
  private final OutboxStore store;

  Outbox(
      DataSource dataSource,
      TransactionSynchronizationRegistry transactions,
      ObjectMapper mapper,
      OutboxRelay relay) {
    this.dataSource = dataSource;
    this.transactions = transactions;
    this.mapper = mapper;
    this.relay = relay;
    this.store = new OutboxStore(mapper);
  }

  /**
   * Sends a message contract to {@code queue} when the current transaction commits, with its {@link
   * MessageContract#contractType()} and {@link MessageContract#contractVersion()}.
   *
   * @return the message id
   * @throws IllegalStateException if no transaction is active
   */
  public UUID send(String queue, MessageContract message) {
    return send(queue, message, Map.of());
  }

  /** As {@link #send(String, MessageContract)}, with custom string message attributes. */
  public UUID send(String queue, MessageContract message, Map<String, String> attributes) {
    return send(queue, message.contractType(), message.contractVersion(), message, attributes);
  }

  /**
   * Sends {@code payload} (serialized to JSON with Jackson; a {@code JsonNode} is sent as is) to
   * {@code queue} when the current transaction commits.
   *
   * @param queue the logical queue name (the configured prefix is added), or a full queue URL
   * @param type the message type, such as {@code run-requested}
   * @param version the version of the type's contract
   * @return the message id
   * @throws IllegalStateException if no transaction is active
   */
  public UUID send(String queue, String type, int version, Object payload) {
    return send(queue, type, version, payload, Map.of());
  }

  /**
   * As {@link #send(String, String, int, Object)}, with custom string message attributes (at most
   * {@value MessageAttributes#MAX_CUSTOM}; names must not start with {@code stevedore-}).
   */
  public UUID send(
      String queue, String type, int version, Object payload, Map<String, String> attributes) {
    return sendToAll(Collections.singletonList(queue), type, version, payload, attributes).get(0);
  }

  /**
   * Sends one message contract to each of {@code queues} (subscribers of the same events) when the
   * current transaction commits: serialized once, written with one JDBC batch; a message id each.
   */
  public List<UUID> sendToAll(List<String> queues, MessageContract message) {
    return sendToAll(queues, message.contractType(), message.contractVersion(), message, Map.of());
  }

  private List<UUID> sendToAll(
      List<String> queues,
      String type,
      int version,
      Object payload,
      Map<String, String> attributes) {
    int status = transactions.getTransactionStatus();
    if (status != Status.STATUS_ACTIVE && status != Status.STATUS_MARKED_ROLLBACK) {
      throw new IllegalStateException(
          "the outbox needs an active transaction (call it from a @Transactional method or"
              + " QuarkusTransaction); message type '"
              + type
              + "' to queue(s) "
              + queues
              + " was not sent");
    }
    if (queues.isEmpty()) {
      return List.of();
    }
    String body = json(payload, type);
    List<OutgoingMessage> messages = new ArrayList<>(queues.size());
    for (String queue : queues) {
      messages.add(new OutgoingMessage(UUID.randomUUID(), queue, type, version, body, attributes));
    }
    try (Connection connection = dataSource.getConnection()) {
      if (messages.size() == 1) {
        store.insert(connection, messages.get(0));
      } else {
        store.insertAll(connection, messages);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "could not write message type '" + type + "' to the outbox: " + e.getMessage(), e);
    }
    if (transactions.getResource(WAKE_REGISTERED) == null) {
      transactions.putResource(WAKE_REGISTERED, Boolean.TRUE);
      transactions.registerInterposedSynchronization(new WakeRelayAfterCommit(relay));
    }
    return messages.stream().map(OutgoingMessage::messageId).toList();
  }

  /**
   * A message ready to be written by a caller's own statement, for a caller that writes a state
   * change and its message in one SQL statement outside a JTA transaction (one statement is one
   * transaction). Insert it with {@link OutboxStore#INSERT_COLUMNS} and {@link
   * #attributesJson(OutgoingMessage)}, then call {@link #committed()} once the statement committed.
   */
  public OutgoingMessage prepare(String queue, MessageContract message) {
    return new OutgoingMessage(
        UUID.randomUUID(),
        queue,
        message.contractType(),
        message.contractVersion(),
        json(message, message.contractType()),
        Map.of());
  }

  /** The attributes column of a {@link #prepare prepared} message (JSON). */
  public String attributesJson(OutgoingMessage message) {
    return store.attributesJson(message);
  }

  /**
   * Wakes the relay after a caller committed outbox rows it wrote itself (see {@link #prepare});
   * {@link #send} does this on its own.
   */
  public void committed() {
    relay.wake();
  }

  private String json(Object payload, String type) {
    try {
      return mapper.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "payload of message type '" + type + "' is not serializable to JSON: " + e.getMessage(),
          e);
    }
  }

  /** Wakes the relay once the transaction committed (nothing to do after a rollback). */
  private record WakeRelayAfterCommit(OutboxRelay relay) implements Synchronization {
    @Override
    public void beforeCompletion() {}

    @Override
    public void afterCompletion(int status) {
      if (status == Status.STATUS_COMMITTED) {
        relay.wake();
      }
    }
  }
}
