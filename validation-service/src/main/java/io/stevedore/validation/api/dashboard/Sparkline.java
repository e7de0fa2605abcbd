package io.stevedore.validation.api.dashboard;

import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * A trend of quality scores drawn as an inline SVG polyline, computed on the server: no script, no
 * image request. Scores run from 0 (bottom) to 100 (top), oldest on the left.
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

  /** The trend of {@code scores}, oldest first. */
  public static Sparkline of(List<Double> scores, int width, int height) {
    int n = scores.size();
    StringJoiner points = new StringJoiner(" ");
    StringJoiner words = new StringJoiner(", ");
    String lastX = "0";
    String lastY = "0";
    for (int i = 0; i < n; i++) {
      double score = Math.max(0, Math.min(100, scores.get(i)));
      double x = n == 1 ? width / 2.0 : PAD + i * (width - 2 * PAD) / (n - 1);
      double y = PAD + (100 - score) / 100 * (height - 2 * PAD);
      lastX = num(x);
      lastY = num(y);
      points.add(lastX + "," + lastY);
      words.add(String.format(Locale.ROOT, "%.2f", scores.get(i)));
    }
    String label =
        n == 0
            ? "no scores yet"
            : "last " + n + (n == 1 ? " score" : " scores") + ", oldest first: " + words;
    return new Sparkline(width, height, points.toString(), lastX, lastY, label, n);
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
