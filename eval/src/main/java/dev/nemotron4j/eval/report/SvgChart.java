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
    private static final String[] COLOURS = {"#76b900", "#1f77b4", "#d62728", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"};

    /** One bar: label, value and interval. */
    record Bar(String label, double value, double low, double high) {}

    /** One point of a line series. */
    record Point(double x, double y, double low, double high) {}

    record Series(String name, List<Point> points) {}

    private SvgChart() {}

    static String bars(String id, String title, List<Bar> bars) {
        StringBuilder svg = open(id, title);
        axes(svg, "accuracy");
        int plotW = WIDTH - LEFT - RIGHT, n = Math.max(1, bars.size());
        double slot = (double) plotW / n, barW = Math.min(60, slot * 0.6);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double cx = LEFT + slot * (i + 0.5);
            svg.append(f("<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %.4f [%.4f, %.4f]</title></rect>%n",
                    cx - barW / 2, y(b.value), barW, y(0) - y(b.value), COLOURS[0], HtmlReport.escape(b.label), b.value, b.low, b.high));
            errorBar(svg, cx, b.low, b.high);
            svg.append(f("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" transform=\"rotate(-30 %.1f %d)\">%s</text>%n",
                    cx, HEIGHT - BOTTOM + 16, cx, HEIGHT - BOTTOM + 16, HtmlReport.escape(shorten(b.label))));
        }
        return svg.append("</svg>\n").toString();
    }

    static String lines(String id, String title, String xLabel, List<Series> series, boolean logX) {
        StringBuilder svg = open(id, title);
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
            svg.append(f("<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">%s</text>%n",
                    LEFT + 10 + 150 * (s % 4), HEIGHT - 22 + 12 * (s / 4) - 12, colour, HtmlReport.escape(ser.name)));
        }
        return svg.append("</svg>\n").toString();
    }

    private static StringBuilder open(String id, String title) {
        StringBuilder svg = new StringBuilder();
        svg.append(f("<svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n",
                id, WIDTH, HEIGHT, WIDTH, HEIGHT, HtmlReport.escape(title)));
        svg.append(f("<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\" text-anchor=\"middle\">%s</text>%n",
                WIDTH / 2, HtmlReport.escape(title)));
        return svg;
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

    private static String shorten(String s) { return s.length() > 28 ? s.substring(0, 27) + "…" : s; }

    private static String f(String format, Object... args) { return String.format(Locale.ROOT, format, args); }
}
