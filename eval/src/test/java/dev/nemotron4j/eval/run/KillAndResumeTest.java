package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.testing.FakeOpenAiServer;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static dev.nemotron4j.eval.testing.RunFixtures.gsm8kConfig;
import static dev.nemotron4j.eval.testing.RunFixtures.load;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash safety: a run in a child JVM is killed with SIGKILL at different points (before the first sample,
 * mid-run, late in the run, after it finished); resuming must give the digest of an uninterrupted run.
 */
class KillAndResumeTest {
    @TempDir Path dir;
    FakeOpenAiServer server;
    Path config;
    String reference;

    @BeforeEach
    void setUp() throws Exception {
        server = new FakeOpenAiServer();
        Path dataset = TestDatasets.gsm8k(dir, 30);
        config = gsm8kConfig(dir, server, dataset, "");
        reference = new EvalRunner(QUIET).run(load(config, "run.parallelism=2"), dir.resolve("reference")).results().samplesDigest();
        server.setDelayMillis(40);
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    /** Kill once the journal holds at least {@code killAfter} samples (-1: as soon as lock.json exists; 1000: after results.json). */
    @ParameterizedTest(name = "SIGKILL after {0} journaled samples")
    @ValueSource(ints = {-1, 3, 17, 1000})
    void killedRunResumesToTheSameDigest(int killAfter) throws Exception {
        Path out = dir.resolve("killed-" + killAfter);
        Process child = new ProcessBuilder(javaBin(), "-cp", System.getProperty("java.class.path"),
                ChildRunMain.class.getName(), config.toString(), out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child-" + killAfter + ".log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && child.isAlive() && !reached(out, killAfter)) Thread.sleep(5);
            assertThat(reached(out, killAfter) || killAfter == 1000).as("child reached the kill point").isTrue();
        } finally {
            child.destroyForcibly().waitFor();   // SIGKILL on Unix: no shutdown hooks, no flushing
        }
        int journaled = Journal.read(out.resolve("journal.jsonl")).size();
        if (killAfter >= 0 && killAfter < 1000) assertThat(journaled).isBetween(killAfter, 29);

        EvalRunner.Outcome resumed = new EvalRunner(QUIET).resume(out);
        assertThat(resumed.journaledSamples() + resumed.executedSamples()).isEqualTo(30);
        assertThat(resumed.results().samplesDigest()).isEqualTo(reference);
    }

    @Test
    void aTornLastJournalLineIsDiscardedOnResume() throws Exception {
        Path out = dir.resolve("torn");
        server.setDelayMillis(0);
        new EvalRunner(QUIET).run(load(config), out);
        Path journal = out.resolve("journal.jsonl");
        String text = Files.readString(journal);
        // keep 12 whole lines plus half of the 13th, as if the process died mid-write
        int cut = 0;
        for (int i = 0; i < 12; i++) cut = text.indexOf('\n', cut) + 1;
        String torn = text.substring(0, cut) + text.substring(cut, cut + 40);
        Files.writeString(journal, torn, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        Files.delete(out.resolve("results.json"));

        EvalRunner.Outcome resumed = new EvalRunner(QUIET).resume(out);
        assertThat(resumed.journaledSamples()).isEqualTo(12);
        assertThat(resumed.results().samplesDigest()).isEqualTo(reference);
        assertThat(Journal.read(journal)).hasSize(30);
    }

    private static boolean reached(Path out, int killAfter) {
        if (killAfter < 0) return Files.exists(out.resolve(RunLock.FILE));
        if (killAfter >= 1000) return Files.exists(out.resolve(RunResults.FILE));
        return Journal.read(out.resolve("journal.jsonl")).size() >= killAfter;
    }

    private static String javaBin() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
