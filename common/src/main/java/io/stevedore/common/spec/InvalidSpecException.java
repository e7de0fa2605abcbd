package io.stevedore.common.spec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A pipeline spec is invalid. Carries every problem found; the message lists them, one per line,
 * after a summary such as {@code pipeline spec has 2 problems}.
 */
public class InvalidSpecException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient List<SpecProblem> problems;

  public InvalidSpecException(List<SpecProblem> problems) {
    super(describe(problems));
    this.problems = List.copyOf(problems);
  }

  /** The problems, ordered by path; never empty. */
  public List<SpecProblem> problems() {
    return problems;
  }

  private static String describe(List<SpecProblem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an invalid spec has at least one problem");
    }
    String summary =
        problems.size() == 1
            ? "pipeline spec has 1 problem"
            : "pipeline spec has " + problems.size() + " problems";
    return problems.stream()
        .map(SpecProblem::toString)
        .collect(Collectors.joining("\n  ", summary + ":\n  ", ""));
  }
}
