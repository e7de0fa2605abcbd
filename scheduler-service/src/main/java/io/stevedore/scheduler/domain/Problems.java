package io.stevedore.scheduler.domain;

import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.common.spec.SpecProblem;
import java.util.List;

/** Builds the scheduler's 422 answers. */
final class Problems {

  private Problems() {}

  static ApiException invalidSpec(List<SpecProblem> problems) {
    return ApiException.invalid(
        "the pipeline spec has "
            + problems.size()
            + (problems.size() == 1 ? " problem: " : " problems; the first: ")
            + problems.get(0),
        problems.stream()
            .map(p -> new Problem.FieldError(p.path(), p.message(), p.value()))
            .toList());
  }

  static ApiException invalid(String field, String message, String value) {
    return ApiException.invalid(
        field + ": " + message, List.of(new Problem.FieldError(field, message, value)));
  }
}
