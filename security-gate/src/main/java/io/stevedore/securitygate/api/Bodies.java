package io.stevedore.securitygate.api;

import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Request bodies read within a size limit, also when they come without a Content-Length. */
final class Bodies {

  private Bodies() {}

  static byte[] bytes(InputStream in, long max, String what) {
    try {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (bytes.length > max) {
        throw tooLarge(max, what);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the body to a new temporary file, which the caller deletes. */
  static Path toTempFile(InputStream in, long max, String what) {
    Path file = null;
    try {
      file = Files.createTempFile("security-gate-", ".tar");
      long total = 0;
      byte[] buffer = new byte[65536];
      try (OutputStream out = Files.newOutputStream(file)) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          total += n;
          if (total > max) {
            throw tooLarge(max, what);
          }
          out.write(buffer, 0, n);
        }
      }
      if (total == 0) {
        throw ApiException.badRequest(
            "the body is empty; send the " + what,
            List.of(new Problem.FieldError("body", "required", null)));
      }
      return file;
    } catch (IOException e) {
      delete(file);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      delete(file);
      throw e;
    }
  }

  static void delete(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a temp file left behind is not worth failing the request
      }
    }
  }

  private static ApiException tooLarge(long max, String what) {
    return new ApiException(
        413,
        "payload-too-large",
        "Payload too large",
        "the " + what + " is larger than " + max + " bytes",
        false,
        List.of(new Problem.FieldError("body", "at most " + max + " bytes", null)));
  }
}
