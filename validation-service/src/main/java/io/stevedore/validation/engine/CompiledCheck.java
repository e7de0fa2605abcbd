package io.stevedore.validation.engine;

import io.stevedore.validation.suite.Check;
import java.util.List;

/**
 * A check as SQL: the condition a passing row meets (null for checks on the whole dataset and for
 * uniqueness, which is grouped), its bind values, and the reason a failing row is given.
 */
record CompiledCheck(int index, Check check, String condition, List<Object> binds, String reason) {

  String alias(String prefix) {
    return Sql.id(prefix + index);
  }

  /** {@code count(*) FILTER (WHERE (cond) IS NOT TRUE)}: a null outcome counts as a failure. */
  String failingCount() {
    return "count(*) FILTER (WHERE (" + condition + ") IS NOT TRUE)";
  }
}
