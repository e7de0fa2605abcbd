package io.stevedore.common.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads pipeline specs from YAML or JSON and writes their canonical JSON.
 *
 * <p>Parsing reports every problem at once, never only the first:
 *
 * <ol>
 *   <li>a syntax error (path {@code ""}, with line and column) ends the parse, as nothing more can
 *       be read;
 *   <li>otherwise the JSON Schema ({@value #SCHEMA_RESOURCE}) checks the structure: types, allowed
 *       values, required and unknown fields, fields that do not belong to the stage type or kind,
 *       names, durations, minimums;
 *   <li>and, on the same tree, Java checks what the schema cannot: duplicate stage ids, unknown and
 *       self dependencies, cycles, cron expressions, time zones, Fargate CPU/memory pairs and
 *       template variables.
 * </ol>
 *
 * Each rule belongs to one layer, so no problem is reported twice; problems beneath a field that is
 * not allowed at all are dropped in favour of that one. Problems come ordered by path.
 *
 * <p>A dependency cycle is reported once per group of stages that depend on each other, on path
 * {@code stages}, as {@code dependency cycle a -> b -> c -> a}: it starts at the group's first
 * stage in declaration order and each arrow points from a stage to one it depends on, so it can be
 * followed entry by entry through the {@code dependsOn} lists.
 *
 * <p>Instances are immutable and thread-safe; create one and share it.
 */
public final class PipelineSpecParser {

  /** The classpath location of the JSON Schema (draft 2020-12) the parser validates against. */
  public static final String SCHEMA_RESOURCE = "/schema/pipeline-spec.schema.json";

  private final JsonMapper jsonMapper;
  private final YAMLMapper yamlMapper;
  private final JsonSchema schema;
  private final SchemaProblems schemaProblems;

  public PipelineSpecParser() {
    jsonMapper =
        JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();
    yamlMapper =
        YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    JsonNode schemaNode = loadSchema(jsonMapper);
    schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(schemaNode, SchemaValidatorsConfig.builder().build());
    schemaProblems = new SchemaProblems(schemaNode);
  }

  /** Parses a spec written in the given format. */
  public SpecParseResult parse(String text, SpecFormat format) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(format, "format");
    ObjectMapper mapper = format == SpecFormat.JSON ? jsonMapper : yamlMapper;
    JsonNode tree;
    try {
      tree = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      return SpecParseResult.invalid(List.of(syntaxProblem(e, format)));
    }
    if (tree == null || tree.isMissingNode()) {
      return SpecParseResult.invalid(List.of(new SpecProblem("", "the document is empty", null)));
    }

    List<SpecProblem> problems = new ArrayList<>();
    List<SpecProblem> notAllowed = new ArrayList<>();
    for (ValidationMessage message : schema.validate(tree)) {
      SpecProblem problem = schemaProblems.convert(message);
      problems.add(problem);
      if ("false".equals(message.getType())) {
        notAllowed.add(problem);
      }
    }
    problems.addAll(SemanticChecks.check(tree));
    problems = tidy(problems, notAllowed);
    if (!problems.isEmpty()) {
      return SpecParseResult.invalid(problems);
    }
    try {
      return SpecParseResult.valid(jsonMapper.treeToValue(tree, PipelineSpec.class));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      // the checks above admit only trees that map; reaching this is a bug in them
      throw new IllegalStateException("a spec that passed validation could not be mapped", e);
    }
  }

  /**
   * Parses a spec, guessing the format from its first non-blank character (see {@link
   * SpecFormat#guess}).
   */
  public SpecParseResult parse(String text) {
    return parse(text, SpecFormat.guess(Objects.requireNonNull(text, "text")));
  }

  /**
   * Parses a spec written in the given format.
   *
   * @throws InvalidSpecException carrying every problem when the spec is invalid
   */
  public PipelineSpec parseOrThrow(String text, SpecFormat format) {
    return parse(text, format).orElseThrow();
  }

  /**
   * Parses a spec, guessing its format.
   *
   * @throws InvalidSpecException carrying every problem when the spec is invalid
   */
  public PipelineSpec parseOrThrow(String text) {
    return parse(text).orElseThrow();
  }

  /**
   * Reads a spec stored as its canonical JSON ({@link #toJson}) after this parser accepted it,
   * without checking it again: a stored version never changes, and its checks ran when it was
   * saved. A 1,000-stage spec maps in a few milliseconds; checking it against the schema again took
   * ten times that, on the path of a run's start. Text from anywhere else goes through {@link
   * #parse}.
   *
   * @throws InvalidSpecException when the text does not map to a spec (it was not written by {@link
   *     #toJson}): then it is checked as any text would be, and every problem is named
   */
  public PipelineSpec readStored(String canonicalJson) {
    Objects.requireNonNull(canonicalJson, "canonicalJson");
    try {
      return jsonMapper.readValue(canonicalJson, PipelineSpec.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return parseOrThrow(canonicalJson, SpecFormat.JSON);
    }
  }

  /**
   * The canonical JSON of a spec, for storing versions and comparing them: compact, fields in the
   * order of the records, map entries ({@code parameters}, {@code env}) sorted by key, defaults
   * written out, empty lists and maps and absent values left out, durations in their largest whole
   * unit. Equal specs give equal text, and parsing the text gives an equal spec.
   */
  public String toJson(PipelineSpec spec) {
    try {
      return jsonMapper.writeValueAsString(Objects.requireNonNull(spec, "spec"));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode loadSchema(ObjectMapper mapper) {
    try (InputStream in = PipelineSpecParser.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + SCHEMA_RESOURCE + " is missing");
      }
      return mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + SCHEMA_RESOURCE, e);
    }
  }

  /**
   * Drops repeats and the problems at or beneath a field that is not allowed at all (its type or
   * its contents no longer matter), then orders by path.
   */
  private static List<SpecProblem> tidy(List<SpecProblem> problems, List<SpecProblem> notAllowed) {
    Set<SpecProblem> kept = new LinkedHashSet<>();
    for (SpecProblem problem : problems) {
      boolean hidden =
          !notAllowed.contains(problem)
              && notAllowed.stream().anyMatch(n -> SpecPath.isWithin(problem.path(), n.path()));
      if (!hidden) {
        kept.add(problem);
      }
    }
    List<SpecProblem> sorted = new ArrayList<>(kept);
    sorted.sort((a, b) -> SpecPath.ORDER.compare(a.path(), b.path()));
    return sorted;
  }

  private static SpecProblem syntaxProblem(JsonProcessingException e, SpecFormat format) {
    int line;
    int column;
    String detail;
    if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
      Mark mark = yaml.getProblemMark();
      line = mark.getLine() + 1;
      column = mark.getColumn() + 1;
      detail = yaml.getProblem();
      if (yaml.getContext() != null && yaml.getContextMark() != null) {
        detail +=
            " ("
                + yaml.getContext()
                + " at line "
                + (yaml.getContextMark().getLine() + 1)
                + ", column "
                + (yaml.getContextMark().getColumn() + 1)
                + ")";
      }
    } else {
      JsonLocation location = e.getLocation();
      line = location == null ? -1 : location.getLineNr();
      column = location == null ? -1 : location.getColumnNr();
      detail = cleanJacksonMessage(e.getOriginalMessage());
    }
    String where = line > 0 ? " at line " + line + ", column " + column : "";
    return new SpecProblem("", "invalid " + format + where + ": " + detail, null);
  }

  /** Replaces Jackson's {@code [Source: ...; line: 1, column: 2]} with plain words. */
  private static String cleanJacksonMessage(String message) {
    String text = message == null ? "unreadable input" : message;
    if (text.startsWith("Trailing token")) {
      return "unexpected content after the end of the document";
    }
    text =
        text.replaceAll(
            "\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]", "line $1, column $2");
    text = text.replaceAll("\\s*\\n.*", "");
    return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }
}
