package io.stevedore.bench.quality;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a child JVM of the benchmark prints on stdout, one record a line, tab-separated:
 *
 * <ul>
 *   <li>{@code start <seconds>}: from main to ready (a Spark session, a suite parsed);
 *   <li>{@code run <round> <seconds> <cpu seconds>}: one validation of the file, end to end in the
 *       process, and the CPU time of the whole process meanwhile (steadier than wall time on a
 *       shared machine);
 *   <li>{@code check <name> <failing rows or -> <passed> <metric>}: the last round's results;
 *   <li>{@code note <text>}: anything else worth showing (scans counted by the engine);
 *   <li>{@code peak <VmHWM kB> <peak heap bytes>}: the process's peak resident set (DuckDB's memory
 *       is native, so the heap alone would hide it) and the heap pools' peak use.
 * </ul>
 */
final class Probe {

  private Probe() {}

  static void start(long t0) {
    System.out.printf(Locale.ROOT, "start\t%.3f%n", (System.nanoTime() - t0) / 1e9);
  }

  /** The process's CPU time so far (every thread, DuckDB's and Spark's included), in ns. */
  static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static void run(int round, long t0, long cpu0) {
    System.out.printf(
        Locale.ROOT,
        "run\t%d\t%.3f\t%.3f%n",
        round,
        (System.nanoTime() - t0) / 1e9,
        (cpu() - cpu0) / 1e9);
  }

  static void check(String name, Long failed, boolean passed, Object metric) {
    System.out.printf(
        Locale.ROOT,
        "check\t%s\t%s\t%s\t%s%n",
        name,
        failed == null ? "-" : failed.toString(),
        passed,
        metric);
  }

  static void note(String text) {
    System.out.println("note\t" + text.replace('\n', ' ').replace('\t', ' '));
  }

  static void peak() throws IOException {
    long hwm = -1;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        hwm = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    long heap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heap += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(Locale.ROOT, "peak\t%d\t%d%n", hwm, heap);
  }
}
