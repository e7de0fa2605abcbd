package io.stevedore.securitygate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stevedore.securitygate.advisory.AdvisoryIndex;
import io.stevedore.securitygate.advisory.OsvImporter;
import io.stevedore.securitygate.image.ImageException;
import io.stevedore.securitygate.image.ImageLimits;
import io.stevedore.securitygate.policy.Finding;
import io.stevedore.securitygate.policy.Policy;
import io.stevedore.securitygate.policy.PolicyException;
import io.stevedore.securitygate.policy.PolicyParser;
import io.stevedore.securitygate.verdict.SecurityGate;
import io.stevedore.securitygate.verdict.Verdict;
import io.stevedore.securitygate.verdict.VerdictCache;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gate as a command for deployment pipelines, offline and without the service: reads the image,
 * the policy and the advisories from files, prints the verdict and exits with its code.
 *
 * <pre>
 * java -cp 'security-gate/target/quarkus-app/lib/main/*:security-gate/target/classes' \
 *     io.stevedore.securitygate.cli.Check --image app.tar --policy policy.yaml \
 *     --advisories osv.zip [--digest sha256:...] [--reference registry/repo:tag] [--json]
 * </pre>
 *
 * Exit codes: 0 pass, 1 warn, 2 fail, 3 error (bad arguments, unreadable image, policy or
 * advisories). A pipeline that accepts warnings treats 1 as success.
 */
public final class Check {

  public static final int PASS = 0;
  public static final int WARN = 1;
  public static final int FAIL = 2;
  public static final int ERROR = 3;

  private static final String USAGE =
      "usage: Check --image <oci-layout dir|oci tar|docker-save tar> --policy <policy.yaml>"
          + " --advisories <osv .json|.zip|directory> [--digest sha256:...]"
          + " [--reference registry/repo:tag] [--json]";

  private Check() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the check; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> opts = new LinkedHashMap<>();
    boolean json = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--json")) {
        json = true;
      } else if (a.equals("--help") || a.equals("-h")) {
        out.println(USAGE);
        return PASS;
      } else if (a.startsWith("--") && i + 1 < args.length) {
        opts.put(a.substring(2), args[++i]);
      } else {
        err.println("unexpected argument '" + a + "'\n" + USAGE);
        return ERROR;
      }
    }
    for (String required : new String[] {"image", "policy", "advisories"}) {
      if (!opts.containsKey(required)) {
        err.println("--" + required + " is required\n" + USAGE);
        return ERROR;
      }
    }
    for (String key : opts.keySet()) {
      if (!key.matches("image|policy|advisories|digest|reference")) {
        err.println("unknown option --" + key + "\n" + USAGE);
        return ERROR;
      }
    }
    try {
      Clock clock = Clock.systemUTC();
      Policy policy =
          PolicyParser.parse(Files.readString(Path.of(opts.get("policy")), StandardCharsets.UTF_8));
      AdvisoryIndex index = new AdvisoryIndex();
      Path advisories = Path.of(opts.get("advisories"));
      if (!Files.exists(advisories)) {
        err.println("advisories '" + advisories + "' do not exist");
        return ERROR;
      }
      OsvImporter.Report report = new OsvImporter(index, clock).importPath(advisories);
      report.problems().forEach(p -> err.println("advisory skipped: " + p));
      Path image = Path.of(opts.get("image"));
      if (!Files.exists(image)) {
        err.println("image '" + image + "' does not exist");
        return ERROR;
      }
      SecurityGate gate =
          new SecurityGate(ImageLimits.defaults(), index, new VerdictCache(1), clock);
      Verdict v = gate.evaluate(image, opts.get("digest"), opts.get("reference"), policy).verdict();
      if (json) {
        out.println(
            new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(v));
      } else {
        print(v, index, out);
      }
      return switch (v.status()) {
        case PASS -> PASS;
        case WARN -> WARN;
        case FAIL -> FAIL;
      };
    } catch (PolicyException e) {
      err.println("policy '" + opts.get("policy") + "' is invalid:");
      e.problems().forEach(p -> err.println("  " + p));
      return ERROR;
    } catch (ImageException e) {
      err.println("image '" + opts.get("image") + "' cannot be read: " + e.getMessage());
      return ERROR;
    } catch (IOException | RuntimeException e) {
      err.println("error: " + e.getMessage());
      return ERROR;
    }
  }

  private static void print(Verdict v, AdvisoryIndex index, PrintStream out) {
    out.println(
        v.status()
            + " "
            + v.key().imageDigest()
            + " (policy "
            + v.team()
            + " v"
            + v.policyVersion()
            + ", "
            + index.size()
            + " advisories)");
    for (Finding f : v.findings()) {
      out.println(
          "  "
              + f.outcome()
              + " "
              + f.rule()
              + (f.advisoryId() == null ? "" : " " + f.advisoryId())
              + (f.severity() == null ? "" : " " + f.severity())
              + " "
              + f.subject()
              + (f.fixedVersion() == null ? "" : " (fixed in " + f.fixedVersion() + ")"));
      out.println("      " + f.message());
    }
    v.notes().forEach(n -> out.println("  note: " + n));
  }
}
