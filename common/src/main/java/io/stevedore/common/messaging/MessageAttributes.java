package io.stevedore.common.messaging;

import java.util.Map;
import java.util.regex.Pattern;

/** The SQS message attributes every Stevedore message carries, and the rules for custom ones. */
public final class MessageAttributes {

  /** The message id (a UUID for outbox messages); consumers deduplicate on it. */
  public static final String MESSAGE_ID = "stevedore-message-id";

  /** The message type, such as {@code run-requested}. */
  public static final String TYPE = "stevedore-type";

  /** The version of the type's contract (a number). */
  public static final String VERSION = "stevedore-version";

  /**
   * How the body is encoded, when it is not plain JSON: {@value ContentEncoding#GZIP} (see {@link
   * ContentEncoding}).
   */
  public static final String CONTENT_ENCODING = "stevedore-content-encoding";

  /** SQS allows 10 attributes per message; up to four are ours. */
  public static final int MAX_CUSTOM = 6;

  private static final String RESERVED_PREFIX = "stevedore-";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,256}");

  private MessageAttributes() {}

  /** Checks custom attributes against SQS' rules and the reserved names. */
  static void checkCustom(Map<String, String> attributes) {
    if (attributes.size() > MAX_CUSTOM) {
      throw new IllegalArgumentException(
          "a message may carry at most "
              + MAX_CUSTOM
              + " custom attributes, got "
              + attributes.size()
              + ": "
              + attributes.keySet());
    }
    attributes.forEach(
        (name, value) -> {
          if (name == null
              || !NAME.matcher(name).matches()
              || name.startsWith(".")
              || name.endsWith(".")
              || name.contains("..")
              || name.regionMatches(true, 0, "aws.", 0, 4)
              || name.regionMatches(true, 0, "amazon.", 0, 7)) {
            throw new IllegalArgumentException("invalid SQS message attribute name '" + name + "'");
          }
          if (name.startsWith(RESERVED_PREFIX)) {
            throw new IllegalArgumentException(
                "message attribute '"
                    + name
                    + "' uses the reserved prefix '"
                    + RESERVED_PREFIX
                    + "'");
          }
          if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(
                "message attribute '" + name + "' needs a non-empty value");
          }
        });
  }
}
