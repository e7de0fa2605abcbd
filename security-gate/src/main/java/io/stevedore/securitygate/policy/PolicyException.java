package io.stevedore.securitygate.policy;

import java.util.List;

/** A policy document that cannot be used, with every problem and the field it concerns. */
public class PolicyException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public PolicyException(List<String> problems) {
    super("invalid policy: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
