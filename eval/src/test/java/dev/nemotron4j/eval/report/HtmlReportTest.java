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
                        params: {lengths: [512, 1024, 2048], variants: [niah_single, variable_tracking], samples_per_length: 2}
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
        assertThat(html).contains(">niah_single<", ">variable_tracking<", ">2K<");
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
}
