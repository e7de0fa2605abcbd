package io.stevedore.worker.stream;

/**
 * One record as the stream delivered it.
 *
 * @param id the record's identity in its stream: the SQS message id, or {@code <shard>/<sequence
 *     number>} for Kinesis
 * @param body the record's payload as text (a JSON object when well-formed)
 */
public record StreamRecord(String id, String body) {}
