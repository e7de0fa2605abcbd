package io.stevedore.validation.dataset;

import io.stevedore.validation.suite.DataFormat;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fetches a dataset to a local copy the engine reads: {@code s3://} objects and prefixes ({@link
 * S3Datasets}), {@code postgres://} tables ({@link PostgresDatasets}, copied as Parquet), and for
 * the one-shot task only, local files.
 */
@ApplicationScoped
public class Datasets {

  /**
   * A local copy of a dataset.
   *
   * @param format the format the copy is in whatever the request says (Parquet for a Postgres
   *     table), or null when the request's or suite's format applies
   */
  public record Fetched(S3Datasets.LocalCopy copy, DataFormat format) implements AutoCloseable {
    public Path path() {
      return copy.path();
    }

    @Override
    public void close() {
      copy.close();
    }
  }

  private final S3Datasets s3;
  private final PostgresDatasets postgres;

  Datasets(S3Datasets s3, PostgresDatasets postgres) {
    this.s3 = s3;
    this.postgres = postgres;
  }

  /**
   * Fetches an {@code s3://} or {@code postgres://} dataset.
   *
   * @throws DatasetNotFoundException when it does not exist or the URI names neither
   */
  public Fetched fetch(String uri) {
    if (PostgresDatasets.handles(uri)) {
      return new Fetched(postgres.fetch(uri), DataFormat.PARQUET);
    }
    return new Fetched(s3.fetch(uri), null);
  }

  /**
   * As {@link #fetch}, and also a local file or directory ({@code file:} URI or path), read in
   * place. Only for the one-shot task, whose caller owns the machine: the service never reads local
   * files.
   */
  public Fetched fetchAllowingLocal(String uri) {
    if (uri != null
        && !uri.startsWith("s3://")
        && !PostgresDatasets.handles(uri)
        && !uri.contains("://")) {
      Path path = Path.of(uri.startsWith("file:") ? uri.substring("file:".length()) : uri);
      if (!Files.exists(path)) {
        throw new DatasetNotFoundException(uri, "dataset file " + path + " does not exist");
      }
      return new Fetched(new S3Datasets.LocalCopy(uri, path, null, 1, 0), null);
    }
    if (uri != null && uri.startsWith("file://")) {
      return fetchAllowingLocal(uri.substring("file://".length()));
    }
    return fetch(uri);
  }
}
