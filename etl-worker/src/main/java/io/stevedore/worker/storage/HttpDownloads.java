package io.stevedore.worker.storage;

import io.stevedore.worker.stage.InvalidStageException;
import io.stevedore.worker.stage.StageFailedException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An {@code http} source: one file fetched with the JDK's HTTP client (redirects followed), kept
 * under its own name so DuckDB recognises {@code .gz}.
 */
@ApplicationScoped
public class HttpDownloads {

  private final HttpClient client =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NORMAL)
          .connectTimeout(Duration.ofSeconds(30))
          .build();

  /** Downloads {@code uri} into {@code dir}; fails unless the answer is 200 with a body. */
  public Path download(String uri, Path dir) {
    URI parsed;
    try {
      parsed = URI.create(uri);
    } catch (IllegalArgumentException e) {
      throw new InvalidStageException("source uri '" + uri + "' is not a URL");
    }
    if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme())) {
      throw new InvalidStageException("source uri '" + uri + "' is not an http(s):// URL");
    }
    String path = parsed.getPath() == null ? "" : parsed.getPath();
    String name = path.substring(path.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("00000-" + (name.isEmpty() ? "download" : name));
      HttpResponse<Path> response =
          client.send(
              HttpRequest.newBuilder(parsed).GET().build(), HttpResponse.BodyHandlers.ofFile(file));
      if (response.statusCode() != 200) {
        throw new StageFailedException(
            "GET " + uri + " answered " + response.statusCode() + ", not 200");
      }
      if (Files.size(file) == 0) {
        throw new StageFailedException("input " + uri + " is empty (0 bytes)");
      }
      return file;
    } catch (IOException e) {
      throw new StageFailedException("cannot download " + uri + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StageFailedException("interrupted while downloading " + uri, e);
    }
  }
}
