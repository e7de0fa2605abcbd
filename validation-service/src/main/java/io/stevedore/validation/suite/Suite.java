package io.stevedore.validation.suite;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Optional;

/**
 * A data contract: the checks one dataset must pass, and how to correct it when it does not.
 *
 * @param dataset the dataset's name (a referential check names other datasets the same way)
 * @param format how the dataset is stored
 * @param allowExtraColumns whether columns that a schema check does not list are allowed
 * @param csv how to read the dataset when {@code format} is csv
 * @param checks the checks, in the order written; names are unique
 * @param corrections the correction rules, in the order they apply; may be empty
 */
@RegisterForReflection
public record Suite(
    String dataset,
    DataFormat format,
    boolean allowExtraColumns,
    CsvOptions csv,
    List<Check> checks,
    List<CorrectionRule> corrections) {

  public Suite {
    checks = List.copyOf(checks);
    corrections = corrections == null ? List.of() : List.copyOf(corrections);
    csv = csv == null ? CsvOptions.DEFAULT : csv;
  }

  /** The check with this name, if any. */
  public Optional<Check> check(String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /**
   * How a CSV file is read. Everything is read as text first, so a value of the wrong type in one
   * row is a failing row (of the schema check), not an unreadable file; columns then take the type
   * a schema check declares, else text when a pattern or length check reads them, else the type
   * DuckDB's sniffer infers. Declare codes with leading zeros (zip codes) as VARCHAR.
   *
   * @param delimiter the field separator, one character
   * @param quote the quote character
   * @param header whether the first line names the columns
   * @param nullString the text that stands for null (besides an empty field)
   */
  @RegisterForReflection
  public record CsvOptions(String delimiter, String quote, boolean header, String nullString) {
    public static final CsvOptions DEFAULT = new CsvOptions(",", "\"", true, "");
  }
}
