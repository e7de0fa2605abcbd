package io.stevedore.common.spec;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of parsing a pipeline spec: either a valid {@link PipelineSpec} or a non-empty list
 * of every {@link SpecProblem} found.
 *
 * @param spec the spec when valid, otherwise {@code null}
 * @param problems the problems, ordered by path; empty when valid
 */
public record SpecParseResult(PipelineSpec spec, List<SpecProblem> problems) {

  public SpecParseResult {
    problems = problems == null ? List.of() : List.copyOf(problems);
    if ((spec == null) == problems.isEmpty()) {
      throw new IllegalArgumentException("a result has either a spec or problems");
    }
  }

  static SpecParseResult valid(PipelineSpec spec) {
    return new SpecParseResult(spec, List.of());
  }

  static SpecParseResult invalid(List<SpecProblem> problems) {
    return new SpecParseResult(null, problems);
  }

  /** Whether the spec is valid. */
  public boolean isValid() {
    return spec != null;
  }

  /** The spec, if valid. */
  public Optional<PipelineSpec> validSpec() {
    return Optional.ofNullable(spec);
  }

  /**
   * The spec.
   *
   * @throws InvalidSpecException carrying the problems when the spec is invalid
   */
  public PipelineSpec orElseThrow() {
    if (spec == null) {
      throw new InvalidSpecException(problems);
    }
    return spec;
  }
}
