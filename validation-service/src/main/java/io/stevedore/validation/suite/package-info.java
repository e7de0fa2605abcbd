/**
 * Suites (data contracts): the checks a dataset must pass and the rules that correct it, read from
 * YAML or JSON by {@link io.stevedore.validation.suite.SuiteParser}, which reports every problem at
 * once with its path and value, and checks a suite against the columns of actual datasets ({@link
 * io.stevedore.validation.suite.Catalog}).
 */
package io.stevedore.validation.suite;
