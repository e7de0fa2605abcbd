package io.stevedore.worker.stream;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A stream read in micro-batches whose position is kept in the warehouse, in the same transaction
 * as the batch's rows: SQS ({@link SqsStreamSource}) or Kinesis ({@link KinesisStreamSource}).
 *
 * <p>The processor calls, per batch: {@link #poll}, then in one warehouse transaction {@link
 * #claim} (and {@link #reject} for bad records) and the rows' write, then after the commit {@link
 * #committed}, or {@link #abandoned} when the batch was not committed.
 */
interface StreamSource extends AutoCloseable {

  /** Creates the source's checkpoint tables if needed and reads where to start, in {@code db}. */
  void open(Connection db) throws SQLException;

  /**
   * Receives up to {@code maxRecords} records, waiting at most {@code maxWait} (less when records
   * stop coming after some arrived, or when {@code stopping} turns true).
   */
  Batch poll(int maxRecords, Duration maxWait, BooleanSupplier stopping);

  /**
   * In the batch's transaction: records that these records are consumed, and returns those that
   * were not consumed before (SQS may deliver a message again; Kinesis never repeats a record after
   * its checkpoint, so it returns them all). Throws when another reader moved the checkpoint.
   */
  List<StreamRecord> claim(Connection tx, Batch batch) throws SQLException;

  /**
   * In the batch's transaction: records bad records where this source keeps them, or does nothing
   * and leaves it to {@link #committed}.
   */
  void reject(Connection tx, List<Rejected> rejected) throws SQLException;

  /** After the commit: acknowledges the batch to the stream (and moves rejected records). */
  void committed(Batch batch, List<Rejected> rejected);

  /** The batch was not committed: the stream is to deliver it again. */
  void abandoned(Batch batch);

  /** A name for messages, such as {@code sqs queue 'orders'}. */
  String describe();

  @Override
  void close();
}
