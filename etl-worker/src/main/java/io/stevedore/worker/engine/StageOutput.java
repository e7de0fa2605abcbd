package io.stevedore.worker.engine;

import io.stevedore.worker.stage.StageFailedException;
import io.stevedore.worker.storage.S3Location;
import io.stevedore.worker.storage.S3Storage;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Writes a stage's result: the query runs into one local Parquet file ({@value #FILE_NAME}), which
 * is uploaded only when the whole query succeeded, under a fixed name, so a retried attempt
 * overwrites instead of adding a second copy.
 */
@ApplicationScoped
public class StageOutput {

  private static final Logger LOG = Logger.getLogger(StageOutput.class);

  /** The output object's name under the stage's prefix. */
  public static final String FILE_NAME = "data.parquet";

  private final S3Storage storage;

  StageOutput(S3Storage storage) {
    this.storage = storage;
  }

  /**
   * What was written.
   *
   * @param uri the output's location (the prefix, or the object when the output named one)
   * @param rows rows written
   * @param bytes the Parquet file's size
   * @param schema the columns, {@code [{name, type}]}
   */
  public record Written(String uri, long rows, long bytes, List<Column> schema) {}

  /**
   * Runs {@code query} into Parquet and publishes it at {@code output}: a prefix ({@code .../}, the
   * object is {@value #FILE_NAME}) or an object ending in {@code .parquet}.
   *
   * @param what how a failure of the query is introduced, such as {@code the stage's SQL failed}
   */
  public Written write(DuckDbSession session, String query, S3Location output, String what) {
    Path file = session.path(FILE_NAME);
    session.execute(
        what,
        "COPY ("
            + query
            + ") TO "
            + Sql.literal(file.toString())
            + " (FORMAT parquet, COMPRESSION zstd)");
    LOG.debugf("query written to %s", file);
    String read = "read_parquet(" + Sql.literal(file.toString()) + ")";
    long rows = session.count("cannot read the output back", "SELECT count(*) FROM " + read);
    List<Column> schema =
        session.describe("cannot read the output's schema", "SELECT * FROM " + read);
    long bytes;
    try {
      bytes = Files.size(file);
    } catch (IOException e) {
      throw new StageFailedException("cannot read the output file: " + e.getMessage(), e);
    }
    boolean object = output.key().endsWith(".parquet");
    if (object) {
      int slash = output.key().lastIndexOf('/');
      S3Location prefix = new S3Location(output.bucket(), output.key().substring(0, slash + 1));
      storage.publish(file, prefix, output.key().substring(slash + 1), false);
      return new Written(output.toString(), rows, bytes, schema);
    }
    storage.publish(file, output.asPrefix(), FILE_NAME, true);
    return new Written(output.asPrefix().toString(), rows, bytes, schema);
  }
}
