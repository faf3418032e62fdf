package dev.nemotron4j.cli;

import dev.nemotron4j.eval.report.AccuracyChart;
import dev.nemotron4j.eval.stats.Interval;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws {@link AccuracyChart} data as a PNG with XChart (headless AWT, as {@code bench-report} and training's
 * plots do). Accuracies are shown in percent. XChart's own error bars are symmetric, but Wilson intervals are not
 * (0.98 [0.93, 0.99]), so the 95% intervals are drawn as whiskers over XChart's plot, at its coordinates.
 * The output depends only on the data: fixed size ({@link #WIDTH}×{@link #HEIGHT}), fixed colours, no timestamps.
 */
final class EvalChartImage {
    static final int WIDTH = 1000;
    static final int HEIGHT = 600;
    /** Colour-blind-safe, distinct in greyscale print too (Okabe–Ito order, darkened yellow). */
    private static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
            new Color(0x56B4E9), new Color(0xE69F00), new Color(0x000000), new Color(0xB8A000)};
    private static final Color WHISKER = new Color(0x222222);

    private EvalChartImage() {}

    /** Grouped bars: one group per task, one bar per run, each labelled with its accuracy above its whisker. */
    static BufferedImage bars(AccuracyChart.Bars data) {
        List<List<Interval>> whiskers = new ArrayList<>();
        List<List<Double>> values = new ArrayList<>();
        for (AccuracyChart.BarSeries series : data.series()) {
            whiskers.add(series.values().stream().map(AccuracyChart.Value::ci95).toList());
            values.add(series.values().stream().map(v -> percent(v.mean())).toList());
        }
        WhiskeredChart chart = new WhiskeredChart(whiskers, values, false);
        chart.setTitle(data.title());
        chart.setYAxisTitle("accuracy (%)");
        var s = chart.getStyler();
        style(s);
        s.setAvailableSpaceFill(0.8);
        s.setOverlapped(false);
        // long task names ("tool_use/answer_uses_result") collide side by side: slant them when they do not fit
        int letters = data.tasks().stream().mapToInt(String::length).sum();
        s.setXAxisLabelRotation(data.tasks().size() > 6 || letters * 8 > WIDTH * 0.85 ? 30 : 0);
        // headroom above 100 for the value printed over a full bar (it would run into the title)
        s.setYAxisMax(108.0);
        s.setSeriesColors(colours(data.series().size()));
        for (int i = 0; i < data.series().size(); i++) {
            chart.addSeries(data.series().get(i).label(), data.tasks(), values.get(i))
                    .setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Bar);
        }
        return render(chart);
    }

    /**
     * Accuracy vs reasoning budget: one line per (run, family) over the budgets found, ascending and evenly spaced
     * (categorical: a geometric sweep such as 256, 1024, 4096 reads as a log scale); each no-budget reference is a
     * dashed horizontal line in the colour of the same run's sweep of that family.
     */
    static BufferedImage budget(AccuracyChart.Budget data) {
        List<Integer> budgets = data.series().stream().flatMap(s -> s.points().stream()).map(AccuracyChart.BudgetPoint::budget)
                .distinct().sorted().toList();
        List<String> categories = budgets.stream().map(String::valueOf).toList();
        List<List<Interval>> whiskers = new ArrayList<>();
        List<List<Double>> values = new ArrayList<>();
        List<Color> colours = new ArrayList<>();
        Map<String, Color> byRunAndFamily = new HashMap<>();
        for (AccuracyChart.BudgetSeries series : data.series()) {
            Color colour = PALETTE[colours.size() % PALETTE.length];
            colours.add(colour);
            byRunAndFamily.put(series.run() + "\n" + series.family(), colour);
            Interval[] ci = new Interval[budgets.size()];
            Double[] y = new Double[budgets.size()];
            for (AccuracyChart.BudgetPoint p : series.points()) {
                int at = budgets.indexOf(p.budget());
                ci[at] = p.value().ci95();
                y[at] = percent(p.value().mean());
            }
            whiskers.add(Arrays.asList(ci));
            values.add(Arrays.asList(y));
        }
        for (AccuracyChart.Reference ref : data.references()) {
            colours.add(byRunAndFamily.computeIfAbsent(ref.run() + "\n" + ref.family(), k -> PALETTE[(data.series().size() + byRunAndFamily.size()) % PALETTE.length]));
            whiskers.add(Collections.nCopies(budgets.size(), null));
            values.add(Collections.nCopies(budgets.size(), percent(ref.value().mean())));
        }
        WhiskeredChart chart = new WhiskeredChart(whiskers, null, true);
        chart.setTitle(data.title());
        chart.setXAxisTitle("reasoning budget (tokens)");
        chart.setYAxisTitle("accuracy (%)");
        var s = chart.getStyler();
        style(s);
        s.setOverlapped(true);
        s.setMarkerSize(8);
        s.setSeriesColors(colours.toArray(Color[]::new));
        for (int i = 0; i < values.size(); i++) {
            boolean reference = i >= data.series().size();
            String label = reference ? data.references().get(i - data.series().size()).label() : data.series().get(i).label();
            CategorySeries added = chart.addSeries(label, categories, values.get(i));
            added.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
            added.setLineColor(colours.get(i));
            added.setMarkerColor(colours.get(i));
            added.setMarker(reference ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            added.setLineStyle(reference ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
        }
        return render(chart);
    }

    /** Refuses, before any work, an output that cannot be written: a missing or read-only directory, a directory. */
    static void checkWritable(Path out) {
        Path absolute = out.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new IllegalArgumentException("cannot write " + out + ": directory " + dir + " does not exist");
        if (Files.isDirectory(absolute)) throw new IllegalArgumentException("cannot write " + out + ": it is a directory");
        if (!Files.isWritable(dir) || Files.exists(absolute) && !Files.isWritable(absolute)) {
            throw new IllegalArgumentException("cannot write " + out + ": permission denied");
        }
    }

    /** Writes the PNG through a temporary file in the same directory, so a failure leaves no half-written image. */
    static void write(BufferedImage image, Path out) {
        checkWritable(out);
        Path absolute = out.toAbsolutePath();
        Path tmp = absolute.getParent().resolve("." + absolute.getFileName() + ".part");
        try {
            try (var os = Files.newOutputStream(tmp)) {
                if (!ImageIO.write(image, "png", os)) throw new IOException("no PNG writer");
            }
            Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original failure is the one to report
            }
            String why = e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
            throw new IllegalArgumentException("cannot write " + out + ": " + why, e);
        }
    }

    private static void style(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xDDDDDD));
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setYAxisDecimalPattern("0");
        s.setToolTipsEnabled(false);
    }

    private static Color[] colours(int n) {
        Color[] c = new Color[n];
        for (int i = 0; i < n; i++) c[i] = PALETTE[i % PALETTE.length];
        return c;
    }

    private static double percent(double fraction) {
        return Math.round(fraction * 1000) / 10.0; // one decimal: what the bar labels show
    }

    /**
     * Paints off screen. AWT needs fonts: a system without any (a bare container) fails inside the JDK, so that
     * failure is turned into one line saying what to install.
     */
    private static BufferedImage render(Chart<?, ?> chart) {
        System.setProperty("java.awt.headless", "true");
        try {
            return BitmapEncoder.getBufferedImage(chart);
        } catch (RuntimeException | Error e) {
            throw new IllegalStateException("cannot draw the chart (" + e + "); AWT needs fonts: install fontconfig and a font package "
                    + "such as fonts-dejavu-core", e);
        }
    }

    /**
     * A category chart with asymmetric 95% whiskers (and, for bars, value labels above them), placed where XChart 3.8's
     * category plot (PlotContent_Category_Bar) puts each bar or point: the categories share plotContentSize of the
     * plot's width, centred; side by side, each series takes an equal slot of availableSpaceFill of a category,
     * overlapped, every series sits at the category's centre.
     */
    private static final class WhiskeredChart extends CategoryChart {
        private final List<List<Interval>> whiskers;
        private final List<List<Double>> labels;
        private final boolean lines;

        /** Per series, per category: the interval (null: none) and, or null, the value to print. */
        WhiskeredChart(List<List<Interval>> whiskers, List<List<Double>> labels, boolean lines) {
            super(WIDTH, HEIGHT);
            this.whiskers = whiskers;
            this.labels = labels;
            this.lines = lines;
            getStyler().setYAxisMin(0.0);
            getStyler().setYAxisMax(100.0);
        }

        @Override
        public void paint(Graphics2D g, int width, int height) {
            super.paint(g, width, height);
            Rectangle2D plot = this.plot.getBounds();
            int series = whiskers.size(), categories = whiskers.getFirst().size();
            double tickSpace = getStyler().getPlotContentSize() * plot.getWidth();
            double left = plot.getX() + (plot.getWidth() - tickSpace) / 2;
            double grid = tickSpace / categories;
            double fill = getStyler().getAvailableSpaceFill();
            double slot = getStyler().isOverlapped() ? grid * fill : grid / series * fill;
            List<Color> colours = getSeriesMap().values().stream().map(CategorySeries::getLineColor).toList();
            g.setStroke(new BasicStroke(1.5f));
            g.setFont(getStyler().getLabelsFont());
            FontMetrics metrics = g.getFontMetrics();
            for (int s = 0; s < series; s++) {
                for (int c = 0; c < categories; c++) {
                    double x = left + grid * c + grid * (1 - fill) / 2 + (getStyler().isOverlapped() ? 0 : s * slot) + slot / 2;
                    Interval ci = whiskers.get(s).get(c);
                    double top = labels == null || labels.get(s).get(c) == null ? Double.NaN : getScreenYFromChart(labels.get(s).get(c));
                    if (ci != null) {
                        double low = getScreenYFromChart(100 * ci.low()), high = getScreenYFromChart(100 * ci.high());
                        g.setColor(lines ? colours.get(s) : WHISKER);
                        g.draw(new Line2D.Double(x, low, x, high));
                        g.draw(new Line2D.Double(x - 4, low, x + 4, low));
                        g.draw(new Line2D.Double(x - 4, high, x + 4, high));
                        top = Math.min(top, high);
                    }
                    if (labels != null && labels.get(s).get(c) != null) label(g, metrics, String.format(Locale.ROOT, "%.1f", labels.get(s).get(c)), x, top - 3, slot);
                }
            }
        }

        /** Centred above {@code bottom}; turned upright when wider than the bar. */
        private static void label(Graphics2D g, FontMetrics metrics, String text, double x, double bottom, double barWidth) {
            g.setColor(Color.BLACK);
            int w = metrics.stringWidth(text);
            if (w <= barWidth - 2) {
                g.drawString(text, (float) (x - w / 2.0), (float) bottom);
                return;
            }
            AffineTransform saved = g.getTransform();
            g.translate(x + metrics.getAscent() / 2.0 - 1, bottom);
            g.rotate(-Math.PI / 2);
            g.drawString(text, 0f, 0f);
            g.setTransform(saved);
        }
    }
}
