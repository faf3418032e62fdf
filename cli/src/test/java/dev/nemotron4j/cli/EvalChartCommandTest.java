package dev.nemotron4j.cli;

import dev.nemotron4j.eval.report.AccuracyChart;
import dev.nemotron4j.eval.stats.Interval;
import dev.nemotron4j.testkit.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code eval chart}: PNGs from runs the in-process engine made through {@code eval run}, the command's errors,
 * and where the renderer puts the 95% whiskers.
 */
class EvalChartCommandTest {
    @TempDir static Path tmp;
    static Path plain, swept;

    @BeforeAll
    static void twoRuns() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            lines.add("{\"question\": \"What is " + i + " plus " + (i + 1) + "?\", \"answer\": \"It is " + (2 * i + 1) + ".\\n#### " + (2 * i + 1) + "\"}");
        }
        Path data = tmp.resolve("gsm8k.jsonl");
        Files.write(data, lines);
        String model = TestData.tiny("tiny-a").toString();
        plain = tmp.resolve("plain");
        swept = tmp.resolve("swept");
        for (Path out : List.of(plain, swept)) {
            List<String> args = new ArrayList<>(List.of("eval", "run", "--model", model, "--task", "gsm8k", "--dataset", data.toString(),
                    "--max-tokens", "4", "--seed", "3", "--out", out.toString()));
            if (out == swept) args.addAll(List.of("-o", "tasks.gsm8k.reasoning_budgets=[64, 16]"));
            CliContractTest.Run run = CliContractTest.run("", args.toArray(String[]::new));
            assertThat(run.exit()).as(run.err() + run.out()).isZero();
        }
    }

    private static CliContractTest.Run chart(String... args) {
        List<String> all = new ArrayList<>(List.of("eval", "chart"));
        all.addAll(List.of(args));
        return CliContractTest.run("", all.toArray(String[]::new));
    }

    @Test
    void barsAndBudgetChartsArePngsOfTheFixedSizeAndDeterministic() throws Exception {
        Path bars = tmp.resolve("bars.png"), again = tmp.resolve("again.png"), budget = tmp.resolve("budget.png");
        CliContractTest.Run r = chart(plain.toString(), plain.toString(), "--label", "BF16", "--label", "FP8", "--title", "tiny", "--out", bars.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + bars + " (1000x600)");
        BufferedImage image = ImageIO.read(bars.toFile());
        assertThat(image.getWidth()).isEqualTo(EvalChartImage.WIDTH);
        assertThat(image.getHeight()).isEqualTo(EvalChartImage.HEIGHT);
        assertThat(chart(plain.toString(), plain.toString(), "--label", "BF16", "--label", "FP8", "--title", "tiny", "--out", again.toString()).exit()).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(bars));

        r = chart(swept.toString(), plain.toString(), "--kind", "budget", "--tasks", "gsm8k", "--out", budget.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        image = ImageIO.read(budget.toFile());
        assertThat(image.getWidth()).isEqualTo(1000);
        assertThat(image.getHeight()).isEqualTo(600);
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
        }
    }

    @Test
    void errorsAreOneLineNamingTheProblem() throws Exception {
        Path unfinished = Files.createDirectories(tmp.resolve("unfinished"));
        Path out = tmp.resolve("x.png");
        CliContractTest.Run r = chart(plain.toString(), unfinished.toString(), "--out", out.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("error: " + unfinished + ": no results.json, not a finished run");

        r = chart(plain.toString(), "--tasks", "gsm8k,aime", "--out", out.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("task aime is not in run " + plain);

        r = chart(plain.toString(), swept.toString(), "--label", "only-one", "--out", out.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("1 --label for 2 runs");

        r = chart(plain.toString(), "--kind", "budget", "--out", out.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no reasoning-budget sweep").contains(plain.toString());

        Path noDir = tmp.resolve("missing-dir/chart.png");
        r = chart(plain.toString(), "--out", noDir.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("cannot write " + noDir + ": directory " + tmp.resolve("missing-dir") + " does not exist");

        Path readOnly = Files.createDirectories(tmp.resolve("read-only"));
        assertThat(readOnly.toFile().setWritable(false)).isTrue();
        try {
            if (!Files.isWritable(readOnly)) { // root may write anywhere
                r = chart(plain.toString(), "--out", readOnly.resolve("c.png").toString());
                assertThat(r.exit()).isEqualTo(1);
                assertThat(r.err()).contains("cannot write " + readOnly.resolve("c.png") + ": permission denied");
            }
        } finally {
            readOnly.toFile().setWritable(true);
        }
        r = chart(plain.toString(), "--out", tmp.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("cannot write " + tmp + ": it is a directory");
        assertThat(out).doesNotExist();
    }

    @Test
    void whiskersSpanTheIntervalOverTheirBar() {
        AccuracyChart.Bars data = new AccuracyChart.Bars("t", List.of("task"), List.of(
                new AccuracyChart.BarSeries("first", List.of(new AccuracyChart.Value(0.3, null))),
                new AccuracyChart.BarSeries("second", List.of(new AccuracyChart.Value(0.5, new Interval(0.2, 0.9))))));
        BufferedImage image = EvalChartImage.bars(data);

        // the second run's bar: pixels of the second series colour, from 0% (its bottom) to 50% (its top)
        int barRgb = 0xD55E00, left = Integer.MAX_VALUE, right = -1, top = Integer.MAX_VALUE, bottom = -1;
        for (int y = 0; y < image.getHeight() - 60; y++) {          // below: the legend
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) != barRgb) continue;
                left = Math.min(left, x); right = Math.max(right, x); top = Math.min(top, y); bottom = Math.max(bottom, y);
            }
        }
        assertThat(right - left).isGreaterThan(50);
        double pixelsPerPercent = (bottom - top + 1) / 50.0;
        // the whisker: the longest run of dark pixels in a column at the bar's centre
        int centre = (left + right) / 2, bestLength = 0, bestEnd = -1;
        for (int x = centre - 1; x <= centre + 1; x++) {
            int run = 0;
            for (int y = 0; y < image.getHeight(); y++) {
                int rgb = image.getRGB(x, y);
                boolean dark = ((rgb >> 16) & 0xFF) < 0x70 && ((rgb >> 8) & 0xFF) < 0x70 && (rgb & 0xFF) < 0x70;
                run = dark ? run + 1 : 0;
                if (run > bestLength) {
                    bestLength = run;
                    bestEnd = y;
                }
            }
        }
        int whiskerTop = bestEnd - bestLength + 1;
        assertThat((double) whiskerTop).isCloseTo(bottom - 90 * pixelsPerPercent, within(3.0));
        assertThat((double) bestEnd).isCloseTo(bottom - 20 * pixelsPerPercent, within(3.0));
    }
}
