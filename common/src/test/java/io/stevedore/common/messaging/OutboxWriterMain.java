package io.stevedore.common.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * The process that dies, for {@link OutboxCrashTest}: commits {@code count} outbox rows with plain
 * JDBC through {@link OutboxStore}, then writes {@code count} more in a transaction it never
 * commits, reports both id lists in files and waits to be killed. No relay runs here.
 *
 * <pre>OutboxWriterMain jdbcUrl user password queue count outputDir</pre>
 */
public final class OutboxWriterMain {

  private OutboxWriterMain() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String user = args[1];
    String password = args[2];
    String queue = args[3];
    int count = Integer.parseInt(args[4]);
    Path out = Path.of(args[5]);
    OutboxStore store = new OutboxStore(new ObjectMapper());

    Connection connection = DriverManager.getConnection(url, user, password);
    connection.setAutoCommit(false);
    List<OutgoingMessage> committed = messages(queue, count, "committed");
    store.insertAll(connection, committed);
    connection.commit();
    report(out.resolve("committed.txt"), committed);

    List<OutgoingMessage> uncommitted = messages(queue, count, "uncommitted");
    store.insertAll(connection, uncommitted);
    report(out.resolve("uncommitted.txt"), uncommitted);

    new CountDownLatch(1).await(); // until kill -9
  }

  private static List<OutgoingMessage> messages(String queue, int count, String type) {
    List<OutgoingMessage> messages = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      messages.add(
          new OutgoingMessage(
              UUID.randomUUID(), queue, type, 1, "{\"n\":" + i + "}", Map.of("writer", "child")));
    }
    return messages;
  }

  private static void report(Path file, List<OutgoingMessage> messages) throws Exception {
    StringBuilder ids = new StringBuilder();
    messages.forEach(m -> ids.append(m.messageId()).append('\n'));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, ids);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
  }
}
