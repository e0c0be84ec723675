package org.ssekit.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** Draws the report's PNG charts with Java2D (headless). */
final class Charts {
  private static final int W = 900;
  private static final int H = 480;
  private static final int L = 90;
  private static final int R = 200;
  private static final int T = 50;
  private static final int B = 70;
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0x17becf), new Color(0x7f7f7f)
  };

  private Charts() {}

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private static Graphics2D canvas(BufferedImage img, String title) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, L, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    return g;
  }

  /**
   * A line per server of latency (log scale) against percentile (log scale of 1/(1-p)).
   *
   * @param series server name to (percentile, milliseconds) points
   */
  static void percentiles(Path file, String title, Map<String, List<double[]>> series) throws IOException {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, title);
    double maxX = Math.log10(1 / (1 - 0.99999));
    double minY = Double.MAX_VALUE;
    double maxY = 0;
    for (List<double[]> pts : series.values()) {
      for (double[] p : pts) {
        minY = Math.min(minY, Math.max(p[1], 0.01));
        maxY = Math.max(maxY, p[1]);
      }
    }
    if (maxY == 0) {
      maxY = 1;
      minY = 0.01;
    }
    double lo = Math.floor(Math.log10(minY));
    double hi = Math.ceil(Math.log10(maxY * 1.01));
    if (hi <= lo) {
      hi = lo + 1;
    }
    axes(g);
    for (double d = lo; d <= hi; d++) {
      int y = yPix(d, lo, hi);
      g.setColor(new Color(0xdddddd));
      g.drawLine(L, y, W - R, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString(fmt(Math.pow(10, d)) + " ms", 10, y + 4);
    }
    String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
    for (int i = 0; i < labels.length; i++) {
      int x = L + (int) ((W - L - R) * (i / maxX));
      g.setColor(new Color(0xdddddd));
      g.drawLine(x, T, x, H - B);
      g.setColor(Color.DARK_GRAY);
      g.drawString(labels[i], x - 15, H - B + 18);
    }
    g.drawString("percentile", (W - R) / 2, H - B + 40);
    int c = 0;
    for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
      g.setColor(PALETTE[c % PALETTE.length]);
      g.setStroke(new BasicStroke(2f));
      int px = -1;
      int py = -1;
      for (double[] p : e.getValue()) {
        double xv = Math.min(maxX, Math.log10(1 / (1 - Math.min(p[0], 99.99999) / 100)));
        int x = L + (int) ((W - L - R) * (xv / maxX));
        int y = yPix(Math.log10(Math.max(p[1], Math.pow(10, lo))), lo, hi);
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        px = x;
        py = y;
      }
      legend(g, c, e.getKey());
      c++;
    }
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  /** One bar per server, with an optional reference line (the offered load). */
  static void bars(Path file, String title, String unit, Map<String, Double> values, double reference)
      throws IOException {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, title);
    double max = reference;
    for (double v : values.values()) {
      max = Math.max(max, v);
    }
    max = max <= 0 ? 1 : max * 1.1;
    axes(g);
    for (int i = 0; i <= 5; i++) {
      double v = max * i / 5;
      int y = H - B - (int) ((H - T - B) * (v / max));
      g.setColor(new Color(0xdddddd));
      g.drawLine(L, y, W - R, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString(fmt(v), 10, y + 4);
    }
    g.drawString(unit, 10, T - 8);
    int n = Math.max(1, values.size());
    int slot = (W - L - R) / n;
    int c = 0;
    FontMetrics fm = g.getFontMetrics();
    for (Map.Entry<String, Double> e : values.entrySet()) {
      int h = (int) ((H - T - B) * (e.getValue() / max));
      int x = L + c * slot + slot / 6;
      g.setColor(PALETTE[c % PALETTE.length]);
      g.fillRect(x, H - B - h, slot * 2 / 3, h);
      g.setColor(Color.BLACK);
      String v = fmt(e.getValue());
      g.drawString(v, x + (slot * 2 / 3 - fm.stringWidth(v)) / 2, H - B - h - 4);
      String name = e.getKey();
      g.drawString(name, x + (slot * 2 / 3 - fm.stringWidth(name)) / 2, H - B + 18);
      c++;
    }
    if (reference > 0) {
      int y = H - B - (int) ((H - T - B) * (reference / max));
      g.setColor(Color.RED);
      g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
      g.drawLine(L, y, W - R, y);
      g.drawString("offered " + fmt(reference), W - R + 8, y + 4);
    }
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  private static void axes(Graphics2D g) {
    g.setColor(Color.BLACK);
    g.drawLine(L, H - B, W - R, H - B);
    g.drawLine(L, T, L, H - B);
  }

  private static void legend(Graphics2D g, int i, String name) {
    int y = T + 20 * i + 10;
    g.fillRect(W - R + 15, y - 8, 18, 8);
    g.setColor(Color.BLACK);
    g.drawString(name, W - R + 40, y);
  }

  private static int yPix(double logV, double lo, double hi) {
    return H - B - (int) ((H - T - B) * ((logV - lo) / (hi - lo)));
  }

  static String fmt(double v) {
    if (v >= 1_000_000) {
      return String.format(Locale.ROOT, "%.2fM", v / 1e6);
    }
    if (v >= 10_000) {
      return String.format(Locale.ROOT, "%.0fk", v / 1e3);
    }
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (v >= 1) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
