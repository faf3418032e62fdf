package dev.nemotron4j.cli;

import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.nemotron4j.cli.CliContractTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code nemotron4j train} from the command line: a few steps of the smoke recipe give a model directory that
 * {@code logits} and the tokenizer load, that {@code convert} turns into a GGUF (every FFN layer MoE, the layout
 * llama.cpp loads) which our GGUF reader runs with the same logits; bad configs and flag combinations are one line.
 */
class TrainCommandTest {
    @TempDir
    Path tmp;

    @Test
    void trainsLoadsAndConvertsToGguf() throws Exception {
        Path out = tmp.resolve("smoke");
        CliContractTest.Run r = run("", "train", "--recipe", "smoke", "--out", out.toString(), "--stop-after-steps", "4", "--quiet");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("4 steps done");

        Path logits = tmp.resolve("logits.bin");
        CliContractTest.Run l = run("", "logits", "--model", out.toString(), "--tokens", "1,104,105,32", "--out", logits.toString());
        assertThat(l.exit()).as(l.err()).isZero();
        assertThat(Files.size(logits)).isEqualTo(4L * 288 * 4);

        Tokenizer tok = Tokenizer.load(out.resolve("tokenizer.json"));
        assertThat(tok.encode("hi <|im_end|>", false)).containsExactly(32 + 'h', 32 + 'i', 32 + ' ', 11);
        assertThat(tok.decode(new int[] {32 + 'o', 32 + 'k'}, false)).isEqualTo("ok");

        Path gguf = tmp.resolve("smoke-f32.gguf");
        CliContractTest.Run c = run("", "convert", "--model", out.toString(), "--out", gguf.toString(), "--type", "f32");
        assertThat(c.exit()).as(c.err()).isZero();
        int[] tokens = {1, 32 + 'c', 32 + 'o', 32 + 'u', 32 + 'n', 32 + 't', 32 + ' ', 32 + '1'};
        float[] hf, fromGguf;
        try (NemotronHModel m = ModelSource.of(out).load(WorkerPool.shared())) {
            hf = m.forwardAll(m.newState(), tokens, null);
        }
        try (NemotronHModel m = ModelSource.of(gguf).load(WorkerPool.shared())) {
            fromGguf = m.forwardAll(m.newState(), tokens, null);
        }
        assertThat(fromGguf).hasSameSizeAs(hf);
        for (int i = 0; i < hf.length; i++) assertThat(fromGguf[i]).as("logit %d", i).isCloseTo(hf[i], org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void badConfigAndFlagsAreOneLine() throws Exception {
        Path yaml = tmp.resolve("bad.yaml");
        Files.writeString(yaml, "steps: 50\noptimizer:\n  beta2: 2\n");
        CliContractTest.Run r = run("", "train", "--config", yaml.toString(), "--out", tmp.resolve("x").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("error: " + yaml + ": optimizer.beta2: must be a number in").doesNotContain("\n");
        assertThat(tmp.resolve("x")).doesNotExist();

        CliContractTest.Run both = run("", "train", "--recipe", "smoke", "--resume", tmp.toString());
        assertThat(both.exit()).isEqualTo(1);
        assertThat(both.err()).contains("--resume continues with the run's saved config");

        CliContractTest.Run none = run("", "train", "--resume", tmp.resolve("empty").toString());
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("no train-state/ to resume from");

        CliContractTest.Run noOut = run("", "train", "--recipe", "smoke");
        assertThat(noOut.exit()).isEqualTo(1);
        assertThat(noOut.err()).contains("--out DIR is required");
    }
}
