package io.stevedore.validation.engine;

import io.stevedore.validation.suite.Check;
import io.stevedore.validation.suite.CorrectionRule;
import io.stevedore.validation.suite.Suite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a suite's correction rules and writes a corrected dataset and a quarantine file, both
 * Parquet.
 *
 * <p>Value rules ({@code trim}, {@code cast} with a default, {@code fillNull}) rewrite columns in
 * the order written, each seeing the previous ones' output. Then {@code dropInvalid} evaluates the
 * named row-level checks on the corrected values: rows that fail any go to quarantine with {@value
 * #REASONS_COLUMN}, the list of the checks they failed; all other rows go to the corrected file.
 *
 * <p>Reads the dataset once into a staging table (plus one read of each referenced dataset a
 * referential check needs); the two files and the counts come from that table.
 */
public final class Corrector {

  /** The quarantine file's column listing the checks a row failed. */
  public static final String REASONS_COLUMN = "_failed_checks";

  private Corrector() {}

  /**
   * Corrects {@code data} by the rules of {@code suite} into {@code outputDir}/{@code
   * <dataset>.corrected.parquet} and {@code <dataset>.quarantine.parquet}.
   *
   * @throws IllegalArgumentException when a rule names an unknown column or a check that cannot
   *     drop rows
   * @throws EngineException when a dataset cannot be read or a file cannot be written
   */
  public static CorrectionReport correct(
      Suite suite, DatasetSource data, Collection<DatasetSource> references, Path outputDir) {
    try {
      Files.createDirectories(outputDir);
    } catch (IOException e) {
      throw new EngineException("cannot create output directory " + outputDir, e);
    }
    Path corrected = outputDir.resolve(data.name() + ".corrected.parquet").toAbsolutePath();
    Path quarantine = outputDir.resolve(data.name() + ".quarantine.parquet").toAbsolutePath();
    try (DuckSession session = new DuckSession()) {
      DuckSession.Registered main = session.register(data, DuckSession.declaredTypes(suite));
      Map<String, DuckSession.Registered> refs = new LinkedHashMap<>();
      for (DatasetSource ref : ValidationEngine.referenced(suite, references)) {
        refs.put(
            ref.name(), ref.name().equals(data.name()) ? main : session.register(ref, Map.of()));
      }
      session.lock(List.of(outputDir));

      // value rules: each column's expression, rewritten rule after rule
      Map<String, String> expr = new LinkedHashMap<>();
      main.columns().keySet().forEach(c -> expr.put(c, Sql.id(c)));
      List<String> flags = new ArrayList<>();
      List<CorrectionReport.RuleOutcome> outcomes = new ArrayList<>();
      List<String> targets = new ArrayList<>();
      List<CorrectionRule.DropInvalid> drops = new ArrayList<>();
      for (CorrectionRule rule : suite.corrections()) {
        if (rule instanceof CorrectionRule.Trim t) {
          List<String> changed = new ArrayList<>();
          for (String c : t.columns()) {
            String before = column(expr, c);
            if (!"VARCHAR".equals(main.columns().get(c))) {
              throw new IllegalArgumentException(
                  "trim applies to text columns; '" + c + "' is " + main.columns().get(c));
            }
            String after = "trim(" + before + ")";
            changed.add("(" + before + ") IS DISTINCT FROM (" + after + ")");
            expr.put(c, after);
          }
          flags.add(String.join(" OR ", changed));
          targets.add("trim:" + String.join(",", t.columns()));
        } else if (rule instanceof CorrectionRule.Cast c) {
          String before = column(expr, c.column());
          String cast = "TRY_CAST(" + before + " AS " + c.to() + ")";
          String fallback = "CAST(" + Sql.literal(c.defaultValue()) + " AS " + c.to() + ")";
          flags.add("(" + before + ") IS NOT NULL AND " + cast + " IS NULL");
          expr.put(c.column(), "coalesce(" + cast + ", " + fallback + ")");
          targets.add("cast:" + c.column());
        } else if (rule instanceof CorrectionRule.FillNull f) {
          String before = column(expr, f.column());
          flags.add("(" + before + ") IS NULL");
          expr.put(f.column(), "coalesce(" + before + ", " + Sql.literal(f.value()) + ")");
          targets.add("fillNull:" + f.column());
        } else if (rule instanceof CorrectionRule.DropInvalid d) {
          drops.add(d);
        }
      }

      // the checks that drop rows, on the corrected values
      // the checks see the corrected columns, with the types cast rules gave them
      Map<String, String> correctedTypes = new LinkedHashMap<>(main.columns());
      for (CorrectionRule rule : suite.corrections()) {
        if (rule instanceof CorrectionRule.Cast c) {
          correctedTypes.put(c.column(), c.to());
        }
      }
      DuckSession.Registered correctedView =
          new DuckSession.Registered(
              main.name(),
              main.source(),
              main.files(),
              main.relation(),
              main.engineRelation(),
              correctedTypes,
              main.castFromText());
      SuiteCompiler compiler = new SuiteCompiler(correctedView, refs);
      List<CompiledCheck> checks = new ArrayList<>();
      List<String> dropNames = new ArrayList<>();
      for (CorrectionRule.DropInvalid d : drops) {
        for (String name : d.checks()) {
          if (dropNames.contains(name)) {
            continue;
          }
          Check check =
              suite
                  .check(name)
                  .orElseThrow(() -> new IllegalArgumentException("unknown check '" + name + "'"));
          if (!check.rowLevel() || check instanceof Check.Unique) {
            throw new IllegalArgumentException(
                "check '" + name + "' (" + check.type() + ") cannot drop single rows");
          }
          String problem = compiler.problem(check, session);
          if (problem != null) {
            throw new IllegalArgumentException("check '" + name + "' cannot run: " + problem);
          }
          CompiledCheck cc = compiler.compile(suite.checks().indexOf(check), check);
          if (cc.condition() != null) {
            checks.add(cc);
            dropNames.add(name);
          }
        }
      }

      List<Object> binds = new ArrayList<>();
      List<String> inner = new ArrayList<>();
      expr.forEach((c, e) -> inner.add(e + " AS " + Sql.id(c)));
      for (String c : main.castFromText().keySet()) {
        inner.add(Sql.id(DuckSession.rawName(c)));
      }
      for (int i = 0; i < flags.size(); i++) {
        inner.add("(" + flags.get(i) + ") IS TRUE AS " + Sql.id("$rule" + i));
      }
      List<String> reasons = new ArrayList<>();
      for (CompiledCheck c : checks) {
        reasons.add(
            "CASE WHEN ("
                + c.condition()
                + ") IS NOT TRUE THEN "
                + Sql.text(c.check().name())
                + " END");
        binds.addAll(c.binds());
      }
      String failed =
          reasons.isEmpty()
              ? "CAST([] AS VARCHAR[])"
              : "list_filter([" + String.join(", ", reasons) + "], lambda x: x IS NOT NULL)";
      String from = compiler.from(checks).replace(" FROM " + main.engineRelation(), "");
      String cols = Sql.ids(main.columns().keySet());
      String staging =
          "CREATE TEMP TABLE "
              + Sql.id("$staged")
              + " AS SELECT "
              + cols
              + (flags.isEmpty() ? "" : ", " + ruleColumns(flags.size()))
              + ", "
              + failed
              + " AS "
              + Sql.id(REASONS_COLUMN)
              + " FROM (SELECT "
              + String.join(", ", inner)
              + " FROM "
              + main.engineRelation()
              + ")"
              + from;
      session.query(staging, binds);

      String staged = Sql.id("$staged");
      String kept = "len(" + Sql.id(REASONS_COLUMN) + ") = 0";
      session.query(
          "COPY (SELECT "
              + cols
              + " FROM "
              + staged
              + " WHERE "
              + kept
              + ") TO "
              + Sql.text(corrected.toString())
              + " (FORMAT parquet)",
          List.of());
      session.query(
          "COPY (SELECT "
              + cols
              + ", "
              + Sql.id(REASONS_COLUMN)
              + " FROM "
              + staged
              + " WHERE NOT "
              + kept
              + ") TO "
              + Sql.text(quarantine.toString())
              + " (FORMAT parquet)",
          List.of());

      List<String> counts = new ArrayList<>();
      counts.add("count(*) AS " + Sql.id("n"));
      counts.add("count(*) FILTER (WHERE " + kept + ") AS " + Sql.id("kept"));
      for (int i = 0; i < flags.size(); i++) {
        counts.add("count(*) FILTER (WHERE " + Sql.id("$rule" + i) + ") AS " + Sql.id("r" + i));
      }
      for (int i = 0; i < dropNames.size(); i++) {
        counts.add(
            "count(*) FILTER (WHERE list_contains("
                + Sql.id(REASONS_COLUMN)
                + ", "
                + Sql.text(dropNames.get(i))
                + ")) AS "
                + Sql.id("d" + i));
      }
      Map<String, Object> row =
          session
              .query("SELECT " + String.join(", ", counts) + " FROM " + staged, List.of())
              .rows()
              .get(0);
      long n = ValidationEngine.number(row.get("n"));
      long keptRows = ValidationEngine.number(row.get("kept"));
      for (int i = 0; i < flags.size(); i++) {
        String[] t = targets.get(i).split(":", 2);
        outcomes.add(
            new CorrectionReport.RuleOutcome(
                t[0], t[1], ValidationEngine.number(row.get("r" + i))));
      }
      Map<String, Long> byCheck = new LinkedHashMap<>();
      for (int i = 0; i < dropNames.size(); i++) {
        byCheck.put(dropNames.get(i), ValidationEngine.number(row.get("d" + i)));
      }
      if (!drops.isEmpty()) {
        outcomes.add(
            new CorrectionReport.RuleOutcome(
                "dropInvalid", String.join(",", dropNames), n - keptRows));
      }
      return new CorrectionReport(
          data.name(), n, keptRows, n - keptRows, outcomes, byCheck, corrected, quarantine);
    } catch (SQLException | IOException e) {
      throw new EngineException(
          "correction of dataset '"
              + data.name()
              + "' failed: "
              + DuckSession.firstLine(e.getMessage()),
          e);
    }
  }

  private static String ruleColumns(int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(Sql.id("$rule" + i));
    }
    return String.join(", ", out);
  }

  private static String column(Map<String, String> expr, String column) {
    String e = expr.get(column);
    if (e == null) {
      throw new IllegalArgumentException("unknown column '" + column + "'");
    }
    return e;
  }
}
