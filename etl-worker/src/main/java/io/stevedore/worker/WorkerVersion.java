package io.stevedore.worker;

import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine.IVersionProvider;

/** The version shown by {@code --version}: the application's name and version. */
class WorkerVersion implements IVersionProvider {

  @Override
  public String[] getVersion() {
    var config = ConfigProvider.getConfig();
    return new String[] {
      config.getOptionalValue("quarkus.application.name", String.class).orElse("etl-worker")
          + " "
          + config.getOptionalValue("quarkus.application.version", String.class).orElse("dev")
    };
  }
}
