package dev.sealer.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Charts drawn with java.awt (headless) into a PNG: throughput and p99 latency against concurrency (the service
 * benchmark), and panels of values over time (the overload and soak runs).
 */
final class Plot {
    record Series(String name, Color color, double[] x, double[] y, boolean dashed) {
    }

    record Line(String name, Color color, double y) {
    }

    /** One panel of a time chart: its series' x values are seconds since the start. */
    record Panel(String title, boolean logY, List<Series> series, List<Line> lines) {
    }

    static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xd62728),
            new Color(0x8c564b)};

    private Plot() {
    }

    static void write(BenchmarkRun run, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Series> tput = new ArrayList<>();
        List<Series> p99 = new ArrayList<>();
        int i = 0;
        for (String s : List.of("signed-unary", "signed-stream", "batched-unary", "batched-stream", "verify", "verify-stream")) {
            List<BenchmarkRun.Point> pts = run.series(s);
            if (pts.isEmpty()) {
                continue;
            }
            double[] x = pts.stream().mapToDouble(p -> p.result().config().concurrency()).toArray();
            Color c = COLORS[i++ % COLORS.length];
            String label = switch (s) {
                case "verify" -> "Verify (by seal id), unary";
                case "verify-stream" -> "Verify (by seal id), streaming";
                default -> s.replace("signed-", "Seal signed, ").replace("batched-", "Seal batched, ");
            };
            boolean verify = s.startsWith("verify");
            tput.add(new Series(label, c, x, pts.stream().mapToDouble(p -> p.result().throughput()).toArray(), verify));
            p99.add(new Series(label, c, x, pts.stream().mapToDouble(p -> p.result().p99()).toArray(), verify));
        }
        List<Line> lines = new ArrayList<>();
        BenchmarkRun.Rate sign = run.limit("dual-sign");
        BenchmarkRun.Rate verify = run.limit("dual-verify");
        BenchmarkRun.Rate hsm = run.baseline.get("hsm-ecdsa-" + BenchmarkRun.NPROC);
        if (sign != null) {
            lines.add(new Line(String.format("raw dual-sign limit (%,.0f/s)", sign.opsPerSecond()), Color.BLACK, sign.opsPerSecond()));
            lines.add(new Line(String.format("0.6 x dual-sign = signed target (%,.0f/s)", 0.6 * sign.opsPerSecond()), Color.GRAY, 0.6 * sign.opsPerSecond()));
        }
        if (verify != null) {
            lines.add(new Line(String.format("raw dual-verify limit (%,.0f/s)", verify.opsPerSecond()), new Color(0x2ca02c).darker(), verify.opsPerSecond()));
        }
        if (hsm != null) {
            lines.add(new Line(String.format("baseline: HSM ECDSA P-256 (%,.0f/s)", hsm.opsPerSecond()), new Color(0xd62728), hsm.opsPerSecond()));
        }
        int w = 1500, h = 660; // room for five legend rows (six series and four reference lines)
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.drawString("Sealer on " + BenchmarkRun.NPROC + " cores, " + BenchmarkRun.utc(run.started) + " (one run; client, service and PostgreSQL share the machine)",
                30, 30);
        panel(g, 80, 60, 640, 440, "Throughput (ops/s, log scale)", true, tput, lines);
        panel(g, 830, 60, 640, 440, "p99 latency (ms, log scale)", true, p99, List.of());
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(img, "png", png.toFile());
    }

    /** An event on a time chart: a dotted vertical line at {@code x} seconds, labelled. */
    record Mark(String name, double x) {
    }

    private static List<Mark> marks = List.of();

    /** Panels of values over time, two per row, under one heading. */
    static void timeSeries(Path png, String heading, List<Panel> panels) throws IOException {
        timeSeries(png, heading, panels, List.of());
    }

    /** As {@link #timeSeries(Path, String, List)}, with events marked on every panel. */
    static synchronized void timeSeries(Path png, String heading, List<Panel> panels, List<Mark> events) throws IOException {
        marks = List.copyOf(events);
        try {
            drawTimeSeries(png, heading, panels);
        } finally {
            marks = List.of();
        }
    }

    /** White, antialiased, ready for a heading in bold 18 pt black. */
    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        return g;
    }

    private static void drawTimeSeries(Path png, String heading, List<Panel> panels) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int rows = (panels.size() + 1) / 2;
        int w = 1500, rowHeight = 470, h = 50 + rows * rowHeight;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.drawString(heading, 30, 30);
        for (int i = 0; i < panels.size(); i++) {
            Panel p = panels.get(i);
            panel(g, 80 + (i % 2) * 750, 75 + (i / 2) * rowHeight, 640, 300, p.title(), p.logY(), p.series(), p.lines(), false,
                    "time since the start (s)");
        }
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(img, "png", png.toFile());
    }

    private static void panel(Graphics2D g, int px, int py, int pw, int ph, String title, boolean logY, List<Series> series, List<Line> lines) {
        panel(g, px, py, pw, ph, title, logY, series, lines, true, "concurrency (requests in flight, log2 scale)");
    }

    private static void panel(Graphics2D g, int px, int py, int pw, int ph, String title, boolean logY, List<Series> series, List<Line> lines,
            boolean logX, String xLabel) {
        double xmin = Double.MAX_VALUE, xmax = 0, ymin = Double.MAX_VALUE, ymax = 0;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                xmin = Math.min(xmin, s.x()[i]);
                xmax = Math.max(xmax, s.x()[i]);
                if (Double.isFinite(s.y()[i]) && (s.y()[i] > 0 || !logY)) {
                    ymin = Math.min(ymin, s.y()[i]);
                    ymax = Math.max(ymax, s.y()[i]);
                }
            }
        }
        for (Line l : lines) {
            ymax = Math.max(ymax, l.y());
            ymin = Math.min(ymin, l.y());
        }
        if (!logX) {
            xmin = 0;
        }
        if (xmax == 0) {
            xmin = logX ? 1 : 0;
            xmax = 64;
            ymin = 1;
            ymax = 10;
        }
        if (xmax == xmin) {
            xmax = logX ? xmin * 2 : xmin + 1;
        }
        double y0, y1;
        if (logY) {
            y0 = Math.pow(10, Math.floor(Math.log10(ymin)));
            y1 = Math.pow(10, Math.ceil(Math.log10(ymax * 1.05)));
        } else {
            y0 = 0;
            y1 = niceCeil(ymax * 1.1);
        }
        if (!logX) {
            xmax = niceCeil(xmax);
        }
        final double fxmin = logX ? Math.log(xmin) / Math.log(2) : xmin, fxmax = logX ? Math.log(xmax) / Math.log(2) : xmax;
        final double fy0 = y0, fy1 = y1;
        java.util.function.DoubleUnaryOperator X = logX ? x -> px + (Math.log(x) / Math.log(2) - fxmin) / (fxmax - fxmin) * pw
                : x -> px + (x - fxmin) / (fxmax - fxmin) * pw;
        java.util.function.DoubleUnaryOperator Y = logY ? y -> py + ph - (Math.log10(y) - Math.log10(fy0)) / (Math.log10(fy1) - Math.log10(fy0)) * ph
                : y -> py + ph - (y - fy0) / (fy1 - fy0) * ph;
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(title, px, py - 10);
        g.setFont(small);
        // grid and ticks
        Stroke thin = new BasicStroke(1f);
        g.setStroke(thin);
        List<Double> yticks = new ArrayList<>();
        if (logY) {
            for (double v = y0; v <= y1 * 1.001; v *= 10) {
                yticks.add(v);
            }
        } else {
            for (int i = 0; i <= 5; i++) {
                yticks.add(y0 + (y1 - y0) * i / 5);
            }
        }
        for (double v : yticks) {
            int yy = (int) Y.applyAsDouble(v);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(px, yy, px + pw, yy);
            g.setColor(Color.BLACK);
            String t = logY ? (v >= 1 ? String.format("%,.0f", v) : String.valueOf(v)) : String.format("%,.0f", v);
            g.drawString(t, px - 8 - g.getFontMetrics().stringWidth(t), yy + 5);
        }
        List<Double> xticks = new ArrayList<>();
        if (logX) {
            for (double x = xmin; x <= xmax * 1.001; x *= 2) {
                xticks.add(x);
            }
        } else {
            double step = niceCeil((xmax - xmin) / 6);
            for (double x = xmin; x <= xmax * 1.001; x += step) {
                xticks.add(x);
            }
        }
        for (double x : xticks) {
            int xx = (int) X.applyAsDouble(x);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(xx, py, xx, py + ph);
            g.setColor(Color.BLACK);
            String t = String.format("%.0f", x);
            g.drawString(t, xx - g.getFontMetrics().stringWidth(t) / 2, py + ph + 18);
        }
        g.drawString(xLabel, px + pw / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, py + ph + 38);
        g.setColor(Color.BLACK);
        g.drawRect(px, py, pw, ph);
        // reference lines
        Stroke dash = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f);
        for (Line l : lines) {
            int yy = (int) Y.applyAsDouble(l.y());
            g.setColor(l.color());
            g.setStroke(dash);
            g.drawLine(px, yy, px + pw, yy);
        }
        // events (time charts)
        if (!logX) {
            Stroke dotted = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 4f}, 0f);
            for (Mark m : marks) {
                int xx = (int) X.applyAsDouble(m.x());
                g.setColor(Color.DARK_GRAY);
                g.setStroke(dotted);
                g.drawLine(xx, py, xx, py + ph);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                g.drawString(m.name(), xx + 3, py + 12 + 12 * (marks.indexOf(m) % 3));
            }
            g.setFont(small);
        }
        // series
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(s.dashed() ? new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {10f, 5f}, 0f)
                    : new BasicStroke(2.5f));
            int prevX = -1, prevY = -1;
            for (int i = 0; i < s.x().length; i++) {
                if (!(Double.isFinite(s.y()[i]) && (s.y()[i] > 0 || !logY))) {
                    continue;
                }
                int xx = (int) X.applyAsDouble(s.x()[i]);
                int yy = (int) Y.applyAsDouble(s.y()[i]);
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, xx, yy);
                }
                if (s.x().length <= 40) {
                    g.fillOval(xx - 4, yy - 4, 8, 8);
                }
                prevX = xx;
                prevY = yy;
            }
        }
        // legend below the panel
        g.setFont(small);
        int ly = py + ph + 58;
        int lx = px;
        int col = 0;
        List<Object> entries = new ArrayList<>(series);
        entries.addAll(lines);
        for (Object o : entries) {
            int x = lx + (col % 2) * (pw / 2);
            int y = ly + (col / 2) * 18;
            if (o instanceof Series s) {
                g.setColor(s.color());
                g.setStroke(s.dashed() ? dash : new BasicStroke(2.5f));
                g.drawLine(x, y - 4, x + 26, y - 4);
                g.setColor(Color.BLACK);
                g.drawString(s.name(), x + 32, y);
            } else if (o instanceof Line l) {
                g.setColor(l.color());
                g.setStroke(dash);
                g.drawLine(x, y - 4, x + 26, y - 4);
                g.setColor(Color.BLACK);
                g.drawString(l.name(), x + 32, y);
            }
            col++;
        }
        g.setStroke(thin);
    }

    private static double niceCeil(double v) {
        if (v <= 0) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * mag >= v) {
                return m * mag;
            }
        }
        return 10 * mag;
    }
}
