package dev.nemotron4j.train.run;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code training.png}: four panels over the steps — loss, learning rate, the MoE balance (MaxVio per layer) and
 * the first MoE layer's per-expert share of the routed tokens.
 */
final class TrainingPlot {
    static final String FILE = "training.png";

    private TrainingPlot() {}

    static void write(Path out, List<StepMetrics> metrics, String title) throws IOException {
        if (metrics.isEmpty()) return;
        System.setProperty("java.awt.headless", "true");
        double[] steps = metrics.stream().mapToDouble(StepMetrics::step).toArray();
        List<XYChart> charts = new ArrayList<>();
        XYChart loss = chart(title + ": loss", "loss (nats/token)");
        loss.addSeries("loss", steps, metrics.stream().mapToDouble(StepMetrics::loss).toArray());
        charts.add(loss);
        XYChart lr = chart("learning rate", "lr");
        lr.addSeries("lr", steps, metrics.stream().mapToDouble(StepMetrics::lr).toArray());
        charts.add(lr);
        int layers = metrics.getLast().maxViolation().length;
        XYChart vio = chart("expert load imbalance (MaxVio = max load / mean − 1)", "MaxVio");
        for (int l = 0; l < layers; l++) {
            int layer = l;
            vio.addSeries("MoE layer " + l, steps, metrics.stream().mapToDouble(m -> layer < m.maxViolation().length ? m.maxViolation()[layer] : 0).toArray());
        }
        charts.add(vio);
        XYChart share = chart("MoE layer 0: share of routed tokens per expert", "share");
        if (layers > 0) {
            int experts = metrics.getLast().expertLoad()[0].length;
            for (int e = 0; e < experts; e++) {
                int expert = e;
                share.addSeries("expert " + e, steps, metrics.stream().mapToDouble(m -> {
                    long[] l0 = m.expertLoad()[0];
                    long total = 0;
                    for (long c : l0) total += c;
                    return total == 0 ? 0 : (double) l0[expert] / total;
                }).toArray());
            }
        }
        charts.add(share);
        Path tmp = out.resolve(".training.png.part");
        try (java.io.OutputStream os = Files.newOutputStream(tmp)) {
            BitmapEncoder.saveBitmap(charts, 2, 2, os, BitmapEncoder.BitmapFormat.PNG);
        }
        Files.move(tmp, out.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle("step").yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setMarkerSize(0);
        c.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Line);
        return c;
    }
}
