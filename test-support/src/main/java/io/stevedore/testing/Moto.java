package io.stevedore.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * moto's server (a real AWS API emulator, Python) for the AWS-only APIs: ECS, ECR, CloudWatch,
 * Application Auto Scaling. Started once per test JVM when first asked for.
 *
 * <p>On a machine without moto, tests that need it are skipped with a loud message, unless the
 * environment variable {@code STEVEDORE_REQUIRE_MOTO=1} is set (as {@code .ci/run} does): then they
 * fail.
 */
public final class Moto {

  /** Set to 1 to turn "moto is missing" from a skip into a failure. */
  public static final String REQUIRE_ENV = "STEVEDORE_REQUIRE_MOTO";

  private static volatile String endpoint;
  private static volatile String unavailableReason;
  private static boolean probed;

  private Moto() {}

  public static boolean required() {
    return "1".equals(System.getenv(REQUIRE_ENV));
  }

  /** Why moto cannot run here, or null when it can. */
  public static synchronized String unavailableReason() {
    if (!probed) {
      probed = true;
      unavailableReason = probe();
      if (unavailableReason != null) {
        String banner = "#".repeat(100);
        System.err.println(banner);
        System.err.println(
            "## moto's server is not available: "
                + unavailableReason
                + "\n## Tests that need ECS, ECR, CloudWatch or Application Auto Scaling are "
                + (required() ? "FAILING (STEVEDORE_REQUIRE_MOTO=1)." : "SKIPPED on this machine.")
                + "\n## Install moto[server] 5.x for python3 (CI does) to run them.");
        System.err.println(banner);
      }
    }
    return unavailableReason;
  }

  /** The moto endpoint, starting the server on first use. */
  public static synchronized String endpoint() {
    if (endpoint != null) {
      return endpoint;
    }
    String reason = unavailableReason();
    if (reason != null) {
      throw new IllegalStateException("moto's server is not available: " + reason);
    }
    try {
      int port;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = socket.getLocalPort();
      }
      Path log = Files.createTempFile("stevedore-moto-", ".log");
      List<String> command = new ArrayList<>();
      command.add(python());
      command.addAll(List.of("-m", "moto.server", "-H", "127.0.0.1", "-p", Integer.toString(port)));
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "stop-moto"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!listening(port)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IllegalStateException(
              "moto's server did not start on port " + port + ": " + Files.readString(log));
        }
        process.waitFor(50, TimeUnit.MILLISECONDS);
      }
      endpoint = "http://127.0.0.1:" + port;
      return endpoint;
    } catch (IOException e) {
      throw new IllegalStateException("could not start moto's server: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static boolean listening(int port) {
    try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String python() {
    String configured = System.getenv("STEVEDORE_PYTHON");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    Path pyenv = Path.of(System.getProperty("user.home"), ".pyenv", "shims", "python3");
    return Files.isExecutable(pyenv) ? pyenv.toString() : "python3";
  }

  private static String probe() {
    try {
      Process p =
          new ProcessBuilder(python(), "-c", "import moto, moto.server; print(moto.__version__)")
              .redirectErrorStream(true)
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "'" + python() + " -c import moto' did not answer in 60 s";
      }
      String out = new String(p.getInputStream().readAllBytes()).trim();
      return p.exitValue() == 0 ? null : "'import moto.server' failed: " + lastLine(out);
    } catch (IOException e) {
      return "no python3 found (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static String lastLine(String text) {
    String[] lines = text.split("\n");
    return lines[lines.length - 1];
  }
}
