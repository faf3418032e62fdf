package dev.nemotron4j.cli;

import dev.nemotron4j.testkit.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code demo} on a stand-in default model (tiny-a: random weights, so the answers are wrong): the five parts are
 * shown, every answer is judged by its verifier in front of the user, and the running accuracy adds up.
 */
class DemoCommandTest {

    @TempDir
    Path tmp;

    @Test
    void showsTheFivePartsEachAnswerJudgedAndTheAccuracy() throws Exception {
        Path home = DefaultModelTest.standInHome(tmp);
        CliContractTest.Run r = DefaultModelTest.withHome(home, () -> CliContractTest.run("", "demo", "--max-tokens", "12",
                "--questions", "3", "--budget", "4"));
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.err()).contains("no --model given: using the default model models/nemotron-h-mini");
        String out = r.out();
        int at = 0;
        for (int i = 0; i < EnvironmentTour.SECTIONS.size(); i++) {
            String header = "[" + (i + 1) + "/5] " + EnvironmentTour.SECTIONS.get(i);
            int next = out.indexOf(header, at);
            assertThat(next).as(header + " after position " + at + " in\n" + out).isGreaterThan(at);
            at = next;
        }
        // 1 (on) + 1 (off) + 1 (budget) + 2 (tool call, answer) + 3 (batch) verdicts, each a ✓ or ✗ with its reason
        Matcher marks = Pattern.compile("^ +(#\\d+ .*)?[✓✗] ", Pattern.MULTILINE).matcher(out);
        int verdicts = 0;
        while (marks.find()) verdicts++;
        assertThat(verdicts).as(out).isEqualTo(8);
        assertThat(out).contains("✗ malformed: ").contains("accuracy so far: 0/1").contains("accuracy so far: 0/5").contains("accuracy so far: 0/8");
        assertThat(out).contains("Accuracy over this demo: 0/8 (0%)");
        assertThat(out).contains("user: What is ").contains("tool: ").contains("tokens/s together");
        assertThat(out).contains("#1 arithmetic: What is ").contains("#2 tool_use: ").contains("#3 instruction_following: ");
    }

    @Test
    void theEngineTourStillRunsOnAnyModel() {
        CliContractTest.Run r = CliContractTest.run("", "demo", "--engine-tour", "--model", TestData.tiny("tiny-a").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("-- exactness: 64 positions").contains("-- continuous batching").contains("tokens/s aggregate");
        assertThat(r.err()).doesNotContain("no --model given");
    }
}
