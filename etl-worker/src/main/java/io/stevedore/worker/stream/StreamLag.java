package io.stevedore.worker.stream;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;

/**
 * The stream's latest lag, updated after every micro-batch, for whatever reports metrics (the
 * heartbeat sender reads it).
 */
@ApplicationScoped
public class StreamLag {

  /**
   * The lag as measured with one batch.
   *
   * @param streamId the checkpoint namespace
   * @param lagMillis how far behind the stream's head the batch was: Kinesis's {@code
   *     MillisBehindLatest} (the largest of the shards), or for SQS the age of the batch's oldest
   *     message
   * @param backlog SQS's {@code ApproximateNumberOfMessages} after the batch was received; null for
   *     Kinesis
   * @param records records in the batch
   * @param at when the batch was committed
   */
  public record Snapshot(String streamId, long lagMillis, Long backlog, int records, Instant at) {}

  private volatile Snapshot latest;

  /** The lag of the latest committed batch, empty before the first. */
  public Optional<Snapshot> latest() {
    return Optional.ofNullable(latest);
  }

  void record(Snapshot snapshot) {
    latest = snapshot;
  }
}
