package io.stevedore.worker.stream;

import java.util.List;

/**
 * One micro-batch as received from a stream, before it is processed.
 *
 * @param records the records in the order the stream delivered them
 * @param lagMillis how far behind the stream's head the batch is (see {@link StreamLag.Snapshot})
 * @param backlog records still waiting in the stream, when the stream says (SQS); null otherwise
 */
public record Batch(List<StreamRecord> records, long lagMillis, Long backlog) {

  public boolean isEmpty() {
    return records.isEmpty();
  }
}
