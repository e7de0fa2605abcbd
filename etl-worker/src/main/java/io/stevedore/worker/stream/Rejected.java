package io.stevedore.worker.stream;

/**
 * A record that cannot be processed, and why.
 *
 * @param record the record as delivered
 * @param reason what is wrong with it, for whoever reads the dead-letter queue or table
 */
public record Rejected(StreamRecord record, String reason) {}
