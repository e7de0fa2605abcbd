package io.stevedore.validation.task;

import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;

/** Runs {@link OneShotValidation} once with the command line's arguments; its code is the exit. */
public class ValidateTask implements QuarkusApplication {

  @Inject OneShotValidation validation;

  @Override
  public int run(String... args) {
    return validation.run(args, System.out, System.err);
  }
}
