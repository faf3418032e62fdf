package dev.nemotron4j.cli;

import dev.nemotron4j.testkit.TestData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM announces the Vector API's incubator module on stderr at every start; the launcher ({@code nemotron4j})
 * drops that one line, so that no command prints it, and passes everything else through. The filter is the
 * launcher's own shell function, run here as the launcher runs it.
 */
class IncubatorWarningTest {
    private static final Path LAUNCHER = TestData.repositoryRoot().resolve("nemotron4j");

    /** Runs {@code stdin} through the launcher's filter; returns what it writes. */
    static String filtered(String stdin) throws Exception {
        String script = "source <(sed -n '/^drop_incubator_warning() {/,/^}/p' \"$1\"); drop_incubator_warning";
        Process p = new ProcessBuilder("bash", "-c", script, "filter", LAUNCHER.toString()).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void theJvmStillAnnouncesTheModuleOnItsFirstStderrLine() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--add-modules", "jdk.incubator.vector", "-version").start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(err.lines().findFirst().orElse("")).as("the line the launcher drops").startsWith("WARNING: Using incubator modules");
    }

    @Test
    void theLauncherDropsOnlyTheWarningLine() throws Exception {
        String warning = "WARNING: Using incubator modules: jdk.incubator.vector\n";
        assertThat(filtered(warning + "error: no such model\nsecond line\n")).isEqualTo("error: no such model\nsecond line\n");
        assertThat(filtered("error first\n" + warning)).as("only a first line is the JVM's").isEqualTo("error first\n" + warning);
        assertThat(filtered(warning)).isEmpty();
        assertThat(filtered("")).isEmpty();
    }

    @Test
    void theLauncherFiltersTheCommandsStderrUnlessDebugging() throws IOException {
        String launcher = Files.readString(LAUNCHER);
        assertThat(launcher).contains("[[ -n \"${NEMOTRON4J_DEBUG:-}\" ]] || exec 2> >(drop_incubator_warning >&2)");
        // the filter is installed before the JVM starts
        assertThat(launcher.indexOf("exec 2> >(drop_incubator_warning")).isLessThan(launcher.indexOf("dev.nemotron4j.cli.Main"));
    }
}
