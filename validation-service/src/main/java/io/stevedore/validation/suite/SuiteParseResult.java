package io.stevedore.validation.suite;

import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.common.spec.SpecProblem;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of parsing a suite: either a valid {@link Suite} or every {@link SpecProblem} found.
 *
 * @param suite the suite when valid, otherwise {@code null}
 * @param problems the problems in document order; empty when valid
 */
public record SuiteParseResult(Suite suite, List<SpecProblem> problems) {

  public SuiteParseResult {
    problems = problems == null ? List.of() : List.copyOf(problems);
    if ((suite == null) == problems.isEmpty()) {
      throw new IllegalArgumentException("a result has either a suite or problems");
    }
  }

  public boolean isValid() {
    return suite != null;
  }

  public Optional<Suite> validSuite() {
    return Optional.ofNullable(suite);
  }

  /**
   * The suite.
   *
   * @throws ApiException a 422 listing every problem with its path and value, when invalid
   */
  public Suite orElseThrow() {
    if (suite == null) {
      throw invalid(problems);
    }
    return suite;
  }

  /** A 422 listing every problem, each with its path and offending value. */
  public static ApiException invalid(List<SpecProblem> problems) {
    List<Problem.FieldError> errors =
        problems.stream()
            .map(p -> new Problem.FieldError(p.path(), p.message(), p.value()))
            .toList();
    String detail =
        problems.size() == 1
            ? "the suite is invalid: " + problems.get(0)
            : "the suite has " + problems.size() + " problems; the first is: " + problems.get(0);
    return ApiException.invalid(detail, errors);
  }
}
