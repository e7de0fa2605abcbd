package io.stevedore.validation.engine;

import io.stevedore.validation.suite.DataFormat;
import io.stevedore.validation.suite.Suite;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a dataset's rows are: a local file in one of the formats (an object in S3 is copied to a
 * local file first; DuckDB's httpfs is not available offline).
 *
 * @param name the dataset's name, as suites and referential checks name it
 * @param format how the file is stored
 * @param path the file, or a directory whose files are the dataset's parts (hidden files and
 *     markers starting with {@code _}, such as {@code _SUCCESS}, are skipped)
 * @param csv how to read it when it is CSV
 */
public record DatasetSource(String name, DataFormat format, Path path, Suite.CsvOptions csv) {

  public DatasetSource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(format, "format");
    path = path.toAbsolutePath().normalize();
    csv = csv == null ? Suite.CsvOptions.DEFAULT : csv;
  }

  public static DatasetSource of(String name, DataFormat format, Path path) {
    return new DatasetSource(name, format, path, null);
  }

  /** The source a suite describes: its dataset name, format and CSV options, at {@code path}. */
  public static DatasetSource forSuite(Suite suite, Path path) {
    return new DatasetSource(suite.dataset(), suite.format(), path, suite.csv());
  }
}
