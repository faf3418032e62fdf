package dev.nemotron4j.eval.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small inline-SVG charts (no fonts, no AWT, byte-deterministic): bars with error bars, and line
 * series with error bars over a numeric (optionally log2) x axis. Y is always a score in [0, 1].
 */
final class SvgChart {
    static final int WIDTH = 720, HEIGHT = 360;
    private static final int LEFT = 60, RIGHT = 20, TOP = 40, BOTTOM = 90;
    private static final double COS30 = Math.sqrt(3) / 2;
    private static final String[] COLOURS = {"#76b900", "#1f77b4", "#d62728", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"};

    /** One bar: label, value and interval. */
    record Bar(String label, double value, double low, double high) {}

    /** One point of a line series. */
    record Point(double x, double y, double low, double high) {}

    record Series(String name, List<Point> points) {}

    private SvgChart() {}

    /**
     * Bars with their full labels under them, rotated. The labels are never cut: the chart grows to the left and
     * downward by the labels' estimated extent ({@link #textWidth}), so the longest one fits inside the picture.
     */
    static String bars(String id, String title, List<Bar> bars) {
        int plotW = WIDTH - LEFT - RIGHT, n = Math.max(1, bars.size());
        double slot = (double) plotW / n, barW = Math.min(60, slot * 0.6);
        // A label anchored at its end under the bar, rotated -30 degrees, runs left by cos30·w and down by sin30·w.
        double shift = 0, drop = 0;
        for (int i = 0; i < bars.size(); i++) {
            double w = textWidth(bars.get(i).label(), 11);
            shift = Math.max(shift, COS30 * w - (LEFT + slot * (i + 0.5)) + 4);
            drop = Math.max(drop, 0.5 * w + 16 + 8);
        }
        int extraLeft = (int) Math.ceil(Math.max(0, shift));
        int height = HEIGHT + (int) Math.ceil(Math.max(0, drop - BOTTOM + 10));
        StringBuilder svg = open(id, title, WIDTH + extraLeft, height);
        svg.append(f("<g transform=\"translate(%d 0)\">%n", extraLeft));
        axes(svg, "accuracy");
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double cx = LEFT + slot * (i + 0.5);
            svg.append(f("<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %.4f [%.4f, %.4f]</title></rect>%n",
                    cx - barW / 2, y(b.value), barW, y(0) - y(b.value), COLOURS[0], HtmlReport.escape(b.label), b.value, b.low, b.high));
            errorBar(svg, cx, b.low, b.high);
            svg.append(f("<text class=\"label\" x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" transform=\"rotate(-30 %.1f %d)\">%s</text>%n",
                    cx, HEIGHT - BOTTOM + 16, cx, HEIGHT - BOTTOM + 16, HtmlReport.escape(b.label)));
        }
        return svg.append("</g>\n</svg>\n").toString();
    }

    /** Line series; the legend lists every series' full name, as many per row as fit, in rows below the axis. */
    static String lines(String id, String title, String xLabel, List<Series> series, boolean logX) {
        double widest = 0;
        for (Series s : series) widest = Math.max(widest, textWidth(s.name(), 11) + 24);
        int perRow = Math.max(1, (int) ((WIDTH - LEFT - RIGHT) / Math.max(1, widest)));
        int rows = (series.size() + perRow - 1) / perRow;
        int legendTop = HEIGHT - BOTTOM + 56;
        int height = Math.max(HEIGHT, legendTop + 14 * rows + 6);
        StringBuilder svg = open(id, title, WIDTH, height);
        axes(svg, "accuracy");
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        List<Double> ticks = new ArrayList<>();
        for (Series s : series) for (Point p : s.points) {
            double x = logX ? log2(p.x) : p.x;
            min = Math.min(min, x);
            max = Math.max(max, x);
            if (!ticks.contains(p.x)) ticks.add(p.x);
        }
        if (min == max) { min -= 1; max += 1; }
        double lo = min, hi = max;
        java.util.function.DoubleUnaryOperator xPos = v -> LEFT + 20 + (WIDTH - LEFT - RIGHT - 40) * ((logX ? log2(v) : v) - lo) / (hi - lo);
        for (double t : ticks) {
            svg.append(f("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>%n",
                    xPos.applyAsDouble(t), HEIGHT - BOTTOM + 16, tickLabel(t)));
        }
        svg.append(f("<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>%n",
                (WIDTH + LEFT) / 2, HEIGHT - BOTTOM + 36, HtmlReport.escape(xLabel)));
        for (int s = 0; s < series.size(); s++) {
            Series ser = series.get(s);
            String colour = COLOURS[s % COLOURS.length];
            StringBuilder path = new StringBuilder();
            for (Point p : ser.points) {
                path.append(path.isEmpty() ? "M" : " L").append(f("%.1f %.1f", xPos.applyAsDouble(p.x), y(p.y)));
            }
            svg.append(f("<path class=\"series\" d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n", path, colour));
            for (Point p : ser.points) {
                double cx = xPos.applyAsDouble(p.x);
                errorBar(svg, cx, p.low, p.high);
                svg.append(f("<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>%s @ %s: %.4f</title></circle>%n",
                        cx, y(p.y), colour, HtmlReport.escape(ser.name), tickLabel(p.x), p.y));
            }
            svg.append(f("<text class=\"legend\" x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"%s\">%s</text>%n",
                    LEFT + 10 + widest * (s % perRow), legendTop + 14 * (s / perRow), colour, HtmlReport.escape(ser.name)));
        }
        return svg.append("</svg>\n").toString();
    }

    private static StringBuilder open(String id, String title, int width, int height) {
        StringBuilder svg = new StringBuilder();
        svg.append(f("<svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n",
                id, width, height, width, height, HtmlReport.escape(title)));
        svg.append(f("<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\" text-anchor=\"middle\">%s</text>%n",
                width / 2, HtmlReport.escape(title)));
        return svg;
    }

    /**
     * A generous estimate of a text's width in a proportional sans-serif font (no font metrics without AWT):
     * 0.62 em per character, 0.75 em for capitals and wide marks, so labels sized by it do not get cut.
     */
    static double textWidth(String text, int fontSize) {
        double em = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            em += Character.isUpperCase(c) || c == 'm' || c == 'w' || c == '@' || c == '%' ? 0.75 : 0.62;
        }
        return em * fontSize;
    }

    private static void axes(StringBuilder svg, String yLabel) {
        for (int i = 0; i <= 5; i++) {
            double v = i / 5.0;
            svg.append(f("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", LEFT, y(v), WIDTH - RIGHT, y(v)));
            svg.append(f("<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.1f</text>%n", LEFT - 6, y(v) + 4, v));
        }
        svg.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\"/>%n", LEFT, TOP, LEFT, y(0)));
        svg.append(f("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\"/>%n", LEFT, y(0), WIDTH - RIGHT, y(0)));
        svg.append(f("<text x=\"16\" y=\"%d\" font-size=\"12\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">%s</text>%n",
                (TOP + HEIGHT - BOTTOM) / 2, (TOP + HEIGHT - BOTTOM) / 2, yLabel));
    }

    private static void errorBar(StringBuilder svg, double cx, double low, double high) {
        svg.append(f("<path class=\"errorbar\" d=\"M%.1f %.1f L%.1f %.1f M%.1f %.1f L%.1f %.1f M%.1f %.1f L%.1f %.1f\" stroke=\"#222\" stroke-width=\"1.5\"/>%n",
                cx, y(low), cx, y(high), cx - 6, y(low), cx + 6, y(low), cx - 6, y(high), cx + 6, y(high)));
    }

    private static double y(double v) {
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - Math.max(0, Math.min(1, v)));
    }

    private static double log2(double v) { return Math.log(Math.max(v, 1e-9)) / Math.log(2); }

    private static String tickLabel(double v) {
        if (v >= 1024 * 1024 && v % (1024 * 1024) == 0) return (long) (v / (1024 * 1024)) + "M";
        if (v >= 1024 && v % 1024 == 0) return (long) (v / 1024) + "K";
        return v == Math.rint(v) ? String.valueOf((long) v) : f("%.2f", v);
    }

    private static String f(String format, Object... args) { return String.format(Locale.ROOT, format, args); }
}
