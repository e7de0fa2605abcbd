package io.stevedore.orchestrator.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.jboss.logging.Logger;

/** Runs side effects (stopping processes, waking the dispatcher) once a transaction committed. */
@ApplicationScoped
public class AfterCommit {

  private static final Logger LOG = Logger.getLogger(AfterCommit.class);

  private final TransactionSynchronizationRegistry registry;

  AfterCommit(TransactionSynchronizationRegistry registry) {
    this.registry = registry;
  }

  /** Runs {@code action} after the current transaction commits (not at all if it rolls back). */
  public void run(Runnable action) {
    registry.registerInterposedSynchronization(
        new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            if (status == Status.STATUS_COMMITTED) {
              try {
                action.run();
              } catch (RuntimeException e) {
                LOG.error("after-commit action failed", e);
              }
            }
          }
        });
  }
}
