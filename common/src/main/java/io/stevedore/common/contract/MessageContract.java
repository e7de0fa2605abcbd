package io.stevedore.common.contract;

/**
 * A message body that travels on one queue. Each contract has a type name and a version, sent as
 * the message attributes {@code stevedore-type} and {@code stevedore-version}; a consumer refuses a
 * version it does not know (the message then reaches the dead-letter queue with the reason stored).
 * Adding an optional field keeps the version; removing or changing one makes a new version.
 */
public interface MessageContract {

  /** The contract's type name, such as {@code run-request}. */
  String contractType();

  /** The contract's version. */
  int contractVersion();
}
