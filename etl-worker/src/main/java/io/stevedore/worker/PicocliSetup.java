package io.stevedore.worker;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import picocli.CommandLine;

/** The command line as the worker wants it: enum values in any case ({@code --format csv}). */
@ApplicationScoped
class PicocliSetup {

  @Produces
  CommandLine commandLine(PicocliCommandLineFactory factory) {
    return factory.create().setCaseInsensitiveEnumValuesAllowed(true);
  }
}
