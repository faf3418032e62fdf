package dev.nemotron4j.eval.report;

import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.run.EvalRunner;
import dev.nemotron4j.eval.run.RunOutputs;
import dev.nemotron4j.eval.testing.FakeOpenAiServer;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static dev.nemotron4j.eval.testing.RunFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The HTML report of a run with a reasoning-budget sweep and RULER lengths: all three plots present and rendered. */
class HtmlReportTest {
    @TempDir static Path dir;
    static Path run;

    @BeforeAll
    static void runWithSweepAndRuler() throws Exception {
        try (FakeOpenAiServer server = new FakeOpenAiServer()) {
            TestDatasets.gsm8k(dir, 8);
            Path config = TestDatasets.write(dir.resolve("eval.yaml"), """
                    target:
                      endpoint: {url: "%s", model: fake, type: chat}
                    interceptors:
                      progress: {enabled: false}
                    tasks:
                      - name: gsm8k
                        dataset: gsm8k.jsonl
                        reasoning_budgets: [128, 512, 2048]
                      - name: ruler
                        params: {lengths: [1024, 2048, 4096], variants: [niah_single_1, vt], samples_per_length: 2}
                    """.formatted(server.baseUrl()));
            run = dir.resolve("report-run");
            new EvalRunner(QUIET).run(ConfigLoader.load(config, List.of()), run);
        }
    }

    @Test
    void reportIsSelfContainedWithThreePlots() {
        String html = read(run.resolve(RunOutputs.REPORT));
        assertThat(html).contains("<svg class=\"chart\" id=\"chart-accuracy\"", "<svg class=\"chart\" id=\"chart-reasoning-budget\"",
                "<svg class=\"chart\" id=\"chart-ruler\"");
        assertThat(html).doesNotContain("src=\"http", "href=\"http", "<link");
        assertThat(html.split("class=\"bar\"", -1)).hasSize(1 + 9);            // 3 budget variants + 6 RULER variants
        assertThat(html).contains(">niah_single_1<", ">vt<", ">2K<");
        // re-rendering from the stored files gives the same bytes
        RunOutputs.writeReport(run);
        assertThat(read(run.resolve(RunOutputs.REPORT))).isEqualTo(html);
    }

    @Test
    @Tag("browser")
    void rendersInAHeadlessBrowser() throws Exception {
        Path chromium = findChromium();
        assumeTrue(chromium != null, "chromium not installed");
        Path profile = Files.createTempDirectory(dir, "chromium-profile");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
        Path screenshot = dir.resolve("report.png");
        command.addAll(List.of("--screenshot=" + screenshot, "--window-size=1000,2400", run.resolve(RunOutputs.REPORT).toUri().toString()));
        assertThat(exec(command).exit).isZero();
        assertThat(screenshot).exists();
        assertThat(Files.size(screenshot)).isGreaterThan(20_000);   // a page with charts, not a blank one

        command.removeIf(a -> a.startsWith("--screenshot") || a.startsWith("--window-size"));
        command.add(command.size() - 1, "--dump-dom");
        Exec dom = exec(command);
        assertThat(dom.exit).isZero();
        // set by the page's script after layout: all three SVG charts have a non-zero rendered width
        assertThat(dom.out).contains("data-rendered-charts=\"3\"");
        assertThat(dom.out).contains("id=\"chart-accuracy\"", "id=\"chart-reasoning-budget\"", "id=\"chart-ruler\"");
    }

    private record Exec(int exit, String out) {}

    private static Exec exec(List<String> command) throws Exception {
        Path log = Files.createTempFile(dir, "chromium", ".out");
        Process p = new ProcessBuilder(command).redirectErrorStream(false).redirectOutput(log.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium timed out");
        }
        return new Exec(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static Path findChromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                Path candidate = Path.of(d, name);
                if (Files.isExecutable(candidate)) return candidate;
            }
        }
        return null;
    }

    @Test
    void longTaskNamesAreShownWholeInsideTheChart() {
        String longName = "ruler/niah_multikey_with_a_long_variant_name@1048576";
        String svg = SvgChart.bars("c", "t", List.of(new SvgChart.Bar(longName, 0.5, 0.4, 0.6), new SvgChart.Bar("b", 0.2, 0.1, 0.3)));
        assertThat(svg).contains(">" + longName + "</text>").doesNotContain("…");
        int width = attribute(svg, "width"), height = attribute(svg, "height");
        java.util.regex.Matcher shift = java.util.regex.Pattern.compile("translate\\((\\d+) 0\\)").matcher(svg);
        assertThat(shift.find()).isTrue();
        double w = SvgChart.textWidth(longName, 11);
        double firstBarCentre = 60 + (720 - 60 - 20) / 2.0 / 2;
        // the rotated label runs left of its bar by cos30·w and below the axis labels' baseline by w/2
        assertThat(Integer.parseInt(shift.group(1)) + firstBarCentre - Math.sqrt(3) / 2 * w).isGreaterThanOrEqualTo(0);
        assertThat(360 - 90 + 16 + 0.5 * w).isLessThanOrEqualTo(height);
        assertThat(width).isGreaterThan(720);
    }

    @Test
    void legendNamesAreWholeAndDoNotRunOffTheChart() {
        List<SvgChart.Series> series = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            series.add(new SvgChart.Series("gsm8k-with-a-long-name-" + i, List.of(new SvgChart.Point(128, 0.5, 0.4, 0.6), new SvgChart.Point(512, 0.6, 0.5, 0.7))));
        }
        String svg = SvgChart.lines("l", "t", "x", series, true);
        java.util.regex.Matcher legend = java.util.regex.Pattern.compile("<text class=\"legend\" x=\"([0-9.]+)\" y=\"(\\d+)\"[^>]*>([^<]+)</text>").matcher(svg);
        int found = 0;
        int height = attribute(svg, "height");
        while (legend.find()) {
            found++;
            assertThat(Double.parseDouble(legend.group(1)) + SvgChart.textWidth(legend.group(3), 11)).isLessThanOrEqualTo(720);
            assertThat(Integer.parseInt(legend.group(2))).isLessThanOrEqualTo(height - 4);
            assertThat(legend.group(3)).startsWith("gsm8k-with-a-long-name-");
        }
        assertThat(found).isEqualTo(6);
    }

    private static int attribute(String svg, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<svg [^>]*\\b" + name + "=\"(\\d+)\"").matcher(svg);
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
