package io.stevedore.common.spec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Durations as a spec writes them: a whole number of seconds, minutes or hours ({@code 10s}, {@code
 * 30m}, {@code 2h}). Written back in the largest unit that divides them ({@code 120m} becomes
 * {@code 2h}), so equal durations have one canonical text.
 */
final class SpecDuration {

  /** The same pattern as {@code $defs/duration} in the schema. */
  static final Pattern PATTERN = Pattern.compile("^[1-9][0-9]{0,5}[smh]$");

  private SpecDuration() {}

  static Duration parse(String text) {
    if (!PATTERN.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "invalid duration '" + text + "': expected a whole number and s, m or h, e.g. 30m");
    }
    long amount = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }

  static String format(Duration duration) {
    long seconds = duration.getSeconds();
    if (duration.getNano() != 0 || seconds <= 0) {
      throw new IllegalArgumentException(
          "a spec duration is a positive whole number of seconds, got " + duration);
    }
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  /** Writes a duration in its canonical spec text. */
  @RegisterForReflection
  static final class Serializer extends StdScalarSerializer<Duration> {
    Serializer() {
      super(Duration.class);
    }

    @Override
    public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(format(value));
    }
  }

  /** Reads a duration from its spec text. */
  @RegisterForReflection
  static final class Deserializer extends StdScalarDeserializer<Duration> {
    Deserializer() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
      }
      try {
        return parse(p.getText());
      } catch (IllegalArgumentException e) {
        return (Duration) ctxt.handleWeirdStringValue(Duration.class, p.getText(), e.getMessage());
      }
    }
  }
}
