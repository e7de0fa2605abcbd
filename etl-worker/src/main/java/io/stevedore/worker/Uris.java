package io.stevedore.worker;

import java.net.URI;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Checks on the locations a stage reads and writes. */
final class Uris {

  private Uris() {}

  /** The worker reads and writes S3 only (intermediate data, the lake, the stage bucket). */
  static void requireS3(CommandLine commandLine, String option, URI uri) {
    if (!"s3".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new ParameterException(
          commandLine, option + " '" + uri + "' is not an s3://bucket/key location");
    }
  }
}
