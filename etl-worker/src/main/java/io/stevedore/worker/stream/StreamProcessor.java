package io.stevedore.worker.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The stream loop: poll a micro-batch, then in one warehouse transaction claim it at the source
 * (checkpoint or seen ids), record its bad records, run the stage SQL over the good ones and write
 * the rows; commit; acknowledge to the source. A batch that fails is rolled back and handed back to
 * the source, and the loop stops with the error.
 */
final class StreamProcessor {

  /**
   * When and how much to read.
   *
   * @param batchMaxRecords the most records in one batch
   * @param batchMaxWait the longest a batch waits to fill
   * @param maxBatches stop after this many committed batches (0: never)
   * @param stopWhenIdle stop after this long without records (null: never)
   */
  record Limits(
      int batchMaxRecords, Duration batchMaxWait, long maxBatches, Duration stopWhenIdle) {}

  private final String streamId;
  private final StreamSource source;
  private final BatchTransform transform;
  private final WarehouseTable table;
  private final Connection db;
  private final ObjectMapper mapper;
  private final StreamLag lag;
  private final PrintWriter out;
  private final Clock clock;

  StreamProcessor(
      String streamId,
      StreamSource source,
      BatchTransform transform,
      WarehouseTable table,
      Connection db,
      ObjectMapper mapper,
      StreamLag lag,
      PrintWriter out,
      Clock clock) {
    this.streamId = streamId;
    this.source = source;
    this.transform = transform;
    this.table = table;
    this.db = db;
    this.mapper = mapper;
    this.lag = lag;
    this.out = out;
    this.clock = clock;
  }

  /** Runs until a limit is reached or {@code stopping} turns true; returns why it stopped. */
  String run(Limits limits, AtomicBoolean stopping) throws SQLException {
    source.open(db);
    table.check(db);
    long batches = 0;
    long lastRecords = clock.millis();
    while (true) {
      if (stopping.get()) {
        return "stop requested";
      }
      if (limits.maxBatches() > 0 && batches >= limits.maxBatches()) {
        return "reached --max-batches " + limits.maxBatches();
      }
      Batch batch = source.poll(limits.batchMaxRecords(), limits.batchMaxWait(), stopping::get);
      if (stopping.get()) {
        if (!batch.isEmpty()) {
          source.abandoned(batch);
        }
        return "stop requested";
      }
      if (batch.isEmpty()) {
        if (limits.stopWhenIdle() != null
            && clock.millis() - lastRecords >= limits.stopWhenIdle().toMillis()) {
          return "idle for " + limits.stopWhenIdle();
        }
        continue;
      }
      process(batch, ++batches);
      lastRecords = clock.millis();
    }
  }

  private void process(Batch batch, long number) throws SQLException {
    long started = clock.millis();
    List<Rejected> rejected = new ArrayList<>();
    int fresh;
    long rows;
    try {
      List<StreamRecord> claimed = source.claim(db, batch);
      fresh = claimed.size();
      List<String> lines = new ArrayList<>(claimed.size());
      for (StreamRecord r : claimed) {
        String problem = null;
        try {
          JsonNode node = mapper.readTree(r.body());
          if (node instanceof ObjectNode) {
            lines.add(mapper.writeValueAsString(node));
          } else {
            problem =
                "not a JSON object: "
                    + (node == null || node.isMissingNode() ? "empty" : node.getNodeType());
          }
        } catch (JsonProcessingException e) {
          problem = "not JSON: " + BatchTransform.firstLine(e.getOriginalMessage());
        }
        if (problem != null) {
          rejected.add(new Rejected(r, problem));
        }
      }
      source.reject(db, rejected);
      rows = lines.isEmpty() ? 0 : table.write(db, transform.run(lines));
      db.commit();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly();
      source.abandoned(batch);
      if (e instanceof StreamException se) {
        throw se;
      }
      throw new StreamException(
          "batch "
              + number
              + " of "
              + source.describe()
              + " failed and was not committed: "
              + BatchTransform.firstLine(e.getMessage()),
          e);
    }
    source.committed(batch, rejected);
    StreamLag.Snapshot snapshot =
        new StreamLag.Snapshot(
            streamId, batch.lagMillis(), batch.backlog(), batch.records().size(), clock.instant());
    lag.record(snapshot);
    ObjectNode line = mapper.createObjectNode();
    line.put("event", "stream-batch");
    line.put("streamId", streamId);
    line.put("batch", number);
    line.put("records", batch.records().size());
    line.put("new", fresh);
    line.put("rejected", rejected.size());
    line.put("rowsWritten", rows);
    line.put("lagMillis", batch.lagMillis());
    if (batch.backlog() != null) {
      line.put("backlog", batch.backlog());
    }
    line.put("durationMillis", clock.millis() - started);
    line.put("at", snapshot.at().toString());
    out.println(line);
    out.flush();
  }

  private void rollbackQuietly() {
    try {
      db.rollback();
    } catch (SQLException e) {
      // the connection is gone: nothing was committed
    }
  }
}
