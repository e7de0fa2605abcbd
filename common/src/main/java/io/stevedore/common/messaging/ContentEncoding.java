package io.stevedore.common.messaging;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * How a message body travels: a body longer than {@link #COMPRESS_ABOVE} characters is sent
 * gzip-compressed and base64-encoded, with the attribute {@value
 * MessageAttributes#CONTENT_ENCODING} = {@value #GZIP}; shorter ones are sent as they are. {@link
 * IncomingMessage#body()} undoes it, so handlers always see the JSON. Other consumers of
 * Stevedore's queues decode such a body with any gzip library (for example {@code base64 -d |
 * gunzip}).
 *
 * <p>Batches of run events repeat their run's ids and names in every event: a batch of 100 events
 * of one run (34 KB of JSON) travels as about 1.5 KB. On one machine, the queue server spent more
 * CPU per stage on those bytes than Postgres did on the stage (bench/README.md).
 */
public final class ContentEncoding {

  /** The value of {@value MessageAttributes#CONTENT_ENCODING} for a gzip-compressed body. */
  public static final String GZIP = "gzip";

  /** Bodies longer than this many characters are compressed; shorter ones stay readable. */
  public static final int COMPRESS_ABOVE = 8 * 1024;

  private ContentEncoding() {}

  /** A body as it travels, and its encoding (null when sent as it is). */
  public record Encoded(String body, String encoding) {}

  /** The body to send for {@code json}: compressed when it is long. */
  public static Encoded encode(String json) {
    if (json.length() <= COMPRESS_ABOVE) {
      return new Encoded(json, null);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(json.length() / 8);
    try (GZIPOutputStream gzip = new FastGzip(bytes)) {
      gzip.write(json.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: does not happen
    }
    return new Encoded(Base64.getEncoder().encodeToString(bytes.toByteArray()), GZIP);
  }

  /**
   * The JSON of a received body with the given encoding (null: as it is).
   *
   * @throws IllegalArgumentException when the encoding is unknown or the body does not decode
   */
  public static String decode(String body, String encoding) {
    if (encoding == null || encoding.isEmpty()) {
      return body;
    }
    if (!GZIP.equals(encoding)) {
      throw new IllegalArgumentException(
          "unsupported "
              + MessageAttributes.CONTENT_ENCODING
              + " '"
              + encoding
              + "' (supported: "
              + GZIP
              + ")");
    }
    byte[] compressed;
    try {
      compressed = Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the body is marked " + GZIP + " but is not base64: " + e.getMessage(), e);
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "the body is marked " + GZIP + " but does not decompress: " + e.getMessage(), e);
    }
  }

  /**
   * The body of a message received straight from SQS (requested with its message attributes), as
   * JSON: for code and tests that read Stevedore's queues without a consumer.
   */
  public static String bodyOf(Message message) {
    MessageAttributeValue encoding =
        message.messageAttributes().get(MessageAttributes.CONTENT_ENCODING);
    return decode(message.body(), encoding == null ? null : encoding.stringValue());
  }

  /** gzip at the fastest level: JSON comes out nearly as small as at the default level. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(ByteArrayOutputStream out) throws IOException {
      super(out, 8192);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
