/**
 * The pipeline spec: the model ({@link io.stevedore.common.spec.PipelineSpec} and its nested
 * records), its JSON Schema ({@code /schema/pipeline-spec.schema.json}) and its parser ({@link
 * io.stevedore.common.spec.PipelineSpecParser}), which reads YAML or JSON, reports every {@link
 * io.stevedore.common.spec.SpecProblem} at once and writes canonical JSON for storing versions.
 *
 * <p>Framework-free apart from {@code @RegisterForReflection} for native builds: the scheduler
 * parses and stores specs, the orchestrator reads stored canonical JSON back into the same records.
 */
package io.stevedore.common.spec;
