package io.stevedore.common.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.stevedore.common.spec.PipelineSpec.Backoff;
import io.stevedore.common.spec.PipelineSpec.CatchupPolicy;
import io.stevedore.common.spec.PipelineSpec.DataFormat;
import io.stevedore.common.spec.PipelineSpec.FailureClass;
import io.stevedore.common.spec.PipelineSpec.LoadMode;
import io.stevedore.common.spec.PipelineSpec.OnFail;
import io.stevedore.common.spec.PipelineSpec.Resources;
import io.stevedore.common.spec.PipelineSpec.SourceKind;
import io.stevedore.common.spec.PipelineSpec.StageType;
import io.stevedore.common.spec.PipelineSpec.TargetKind;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The published JSON Schema: valid, the one the parser uses, and in step with the records. */
class PipelineSpecSchemaTest {

  private static final String SCHEMA = "/schema/pipeline-spec.schema.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void schemaIsValidJsonSchemaDraft202012() throws IOException {
    JsonNode schema = readSchema();

    assertThat(schema.path("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    JsonSchema metaSchema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(SchemaLocation.of(SchemaId.V202012));
    assertThat(metaSchema.validate(schema)).isEmpty();
  }

  @Test
  void parserValidatesAgainstTheSchemaOnTheClasspath() throws IOException {
    assertThat(PipelineSpecParser.SCHEMA_RESOURCE).isEqualTo(SCHEMA);
    JsonSchema schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(readSchema());
    JsonNode spec =
        new YAMLMapper()
            .readTree(
                """
                name: p
                team: t
                stages: [ { id: a, type: extrct, colour: blue } ]
                """);

    Set<ValidationMessage> direct = schema.validate(spec);

    // the schema alone finds the structural problems the parser reports, at the same paths
    assertThat(direct)
        .extracting(m -> SchemaProblems.instancePath(m.getInstanceLocation()))
        .containsExactlyInAnyOrder("stages[0]", "stages[0].type");
    assertThat(new PipelineSpecParser().parse(spec.toString()).problems())
        .extracting(SpecProblem::path)
        .containsExactly("stages[0].colour", "stages[0].type");
  }

  @Test
  void schemaAcceptsTheSampleSpecs() throws IOException {
    JsonSchema schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(readSchema());

    for (String sample : List.of("/specs/example.yaml", "/specs/flights-daily.yaml")) {
      try (InputStream in = getClass().getResourceAsStream(sample)) {
        assertThat(schema.validate(new YAMLMapper().readTree(in))).as(sample).isEmpty();
      }
    }
  }

  @Test
  void schemaValuesMatchTheRecords() throws IOException {
    JsonNode defs = readSchema().path("$defs");

    assertThat(values(defs.at("/stage/properties/type/enum"))).isEqualTo(names(StageType.values()));
    assertThat(values(defs.at("/source/properties/kind/enum")))
        .isEqualTo(names(SourceKind.values()));
    assertThat(values(defs.at("/target/properties/kind/enum")))
        .isEqualTo(names(TargetKind.values()));
    assertThat(values(defs.at("/format/enum"))).isEqualTo(names(DataFormat.values()));
    assertThat(values(defs.at("/target/properties/mode/enum"))).isEqualTo(names(LoadMode.values()));
    assertThat(values(defs.at("/stage/properties/onFail/enum"))).isEqualTo(names(OnFail.values()));
    assertThat(values(defs.at("/retry/properties/backoff/enum")))
        .isEqualTo(names(Backoff.values()));
    assertThat(values(defs.at("/retry/properties/retryOn/items/enum")))
        .isEqualTo(names(FailureClass.values()));
    assertThat(values(defs.at("/schedule/properties/catchup/enum")))
        .isEqualTo(names(CatchupPolicy.values()));
    assertThat(values(defs.at("/resources/properties/cpu/enum")))
        .isEqualTo(Resources.CPU_VALUES.stream().map(String::valueOf).toList());
    assertThat(defs.at("/duration/pattern").asText()).isEqualTo(SpecDuration.PATTERN.pattern());
  }

  private static JsonNode readSchema() throws IOException {
    try (InputStream in = PipelineSpecSchemaTest.class.getResourceAsStream(SCHEMA)) {
      assertThat(in).as(SCHEMA).isNotNull();
      return JSON.readTree(in);
    }
  }

  private static List<String> values(JsonNode array) {
    assertThat(array.isArray()).isTrue();
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static List<String> names(Enum<?>[] constants) {
    return Arrays.stream(constants).map(c -> JSON.convertValue(c, String.class)).toList();
  }
}
