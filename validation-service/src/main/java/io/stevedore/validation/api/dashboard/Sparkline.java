package io.stevedore.validation.api.dashboard;

import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * A trend of quality scores drawn as an inline SVG polyline, computed on the server: no script, no
 * image request. Oldest on the left. The vertical scale spans the lowest to the highest score drawn
 * (at least {@value #MIN_SPAN} points, within 0 to 100), so that a move from 99.1 to 99.9 shows;
 * the label states the range.
 *
 * @param width the drawing's width in pixels
 * @param height its height in pixels
 * @param points the polyline's points, {@code "x,y x,y ..."}
 * @param lastX the newest point's x, where a dot marks it
 * @param lastY the newest point's y
 * @param label the scores in words, for screen readers and the tooltip
 * @param count how many scores are drawn
 */
public record Sparkline(
    int width, int height, String points, String lastX, String lastY, String label, int count) {

  private static final double PAD = 2.0;
  static final double MIN_SPAN = 1.0;

  /** The trend of {@code scores}, oldest first. */
  public static Sparkline of(List<Double> scores, int width, int height) {
    int n = scores.size();
    StringJoiner points = new StringJoiner(" ");
    StringJoiner words = new StringJoiner(", ");
    String lastX = "0";
    String lastY = "0";
    double lo = 100;
    double hi = 0;
    for (double score : scores) {
      lo = Math.min(lo, clamp(score));
      hi = Math.max(hi, clamp(score));
    }
    if (hi - lo < MIN_SPAN) {
      double mid = (hi + lo) / 2;
      lo = Math.max(0, Math.min(100 - MIN_SPAN, mid - MIN_SPAN / 2));
      hi = lo + MIN_SPAN;
    }
    for (int i = 0; i < n; i++) {
      double score = clamp(scores.get(i));
      double x = n == 1 ? width / 2.0 : PAD + i * (width - 2 * PAD) / (n - 1);
      double y = PAD + (hi - score) / (hi - lo) * (height - 2 * PAD);
      lastX = num(x);
      lastY = num(y);
      points.add(lastX + "," + lastY);
      words.add(String.format(Locale.ROOT, "%.2f", scores.get(i)));
    }
    String label =
        n == 0
            ? "no scores yet"
            : String.format(
                Locale.ROOT,
                "last %d %s, oldest first: %s (drawn from %.2f at the bottom to %.2f at the top)",
                n,
                n == 1 ? "score" : "scores",
                words,
                lo,
                hi);
    return new Sparkline(width, height, points.toString(), lastX, lastY, label, n);
  }

  private static double clamp(double score) {
    return Math.max(0, Math.min(100, score));
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
