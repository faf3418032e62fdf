package dev.nemotron4j.cli;

import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsCheckpoint;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsFile;
import dev.nemotron4j.engine.weights.TensorInfo;
import dev.nemotron4j.train.layers.Param;
import dev.nemotron4j.train.model.TrainableModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.nemotron4j.cli.CliContractTest.run;
import static dev.nemotron4j.testkit.TestData.tiny;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code grad} contract: names, shapes, F32, the loss of the engine's logits, and the training engine's gradients. */
class GradCommandTest {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path tmp;

    @Test
    void writesLossAndOneGradientPerCheckpointTensor() {
        int[] tokens = {5, 77, 300, 12, 9, 41, 200, 3};
        for (String fixture : new String[] {"tiny-c", "tiny-d"}) {
            Path out = tmp.resolve(fixture + ".safetensors");
            CliContractTest.Run r = run("", "grad", "--model", tiny(fixture).toString(), "--tokens", "5,77,300,12,9,41,200,3", "--out", out.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            try (Arena arena = Arena.ofConfined(); SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(tiny(fixture))) {
                Map<String, TensorInfo> got = SafetensorsFile.open(out, arena).tensors();
                Set<String> expected = new TreeSet<>();
                expected.add("loss");
                for (String name : ckpt.names()) if (!name.endsWith("e_score_correction_bias")) expected.add("grad." + name);
                assertThat(new TreeSet<>(got.keySet())).isEqualTo(expected);
                for (String name : ckpt.names()) {
                    if (name.endsWith("e_score_correction_bias")) continue;
                    TensorInfo g = got.get("grad." + name);
                    assertThat(g.dtype().name()).isEqualTo("F32");
                    assertThat(g.shape()).as(name).isEqualTo(ckpt.find(name).orElseThrow().shape());
                }
                // the loss agrees with the inference engine's logits
                float loss = got.get("loss").data().getAtIndex(F32, 0);
                assertThat(got.get("loss").shape()).isEmpty();
                assertThat((double) loss).isCloseTo(engineLoss(fixture, tokens), org.assertj.core.data.Offset.offset(1e-5));
                // and the gradients are the training engine's (which its tests check against finite differences)
                TrainableModel m = TrainableModel.load(tiny(fixture));
                m.forward(tokens);
                m.backward();
                double nonZero = 0;
                for (Param p : m.params().values()) {
                    if (!p.trainable()) continue;
                    TensorInfo g = got.get("grad." + p.name());
                    for (int i = 0; i < p.size(); i++) {
                        assertThat(g.data().getAtIndex(F32, i)).as(p.name()).isEqualTo((float) p.grad()[i]);
                        if (p.grad()[i] != 0) nonZero++;
                    }
                }
                assertThat(nonZero).isGreaterThan(1000);
            }
        }
    }

    private static double engineLoss(String fixture, int[] tokens) {
        try (NemotronHModel engine = ModelSource.of(tiny(fixture)).load(WorkerPool.shared())) {
            float[] logits = engine.forwardAll(engine.newState(), tokens, null);
            int v = engine.vocabSize();
            double sum = 0;
            for (int t = 0; t < tokens.length - 1; t++) {
                double max = Double.NEGATIVE_INFINITY, z = 0;
                for (int j = 0; j < v; j++) max = Math.max(max, logits[t * v + j]);
                for (int j = 0; j < v; j++) z += Math.exp(logits[t * v + j] - max);
                sum += Math.log(z) + max - logits[t * v + tokens[t + 1]];
            }
            return sum / (tokens.length - 1);
        }
    }

    @Test
    void helpAndBadInputGiveClearLines() {
        CliContractTest.Run help = run("", "grad", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--tokens", "--out", "grad.<P>", "e_score_correction_bias");

        CliContractTest.Run one = run("", "grad", "--model", tiny("tiny-a").toString(), "--tokens", "5", "--out", tmp.resolve("x").toString());
        assertThat(one.exit()).isEqualTo(1);
        assertThat(one.err()).contains("at least 2 tokens");

        CliContractTest.Run outside = run("", "grad", "--model", tiny("tiny-a").toString(), "--tokens", "5,99999", "--out", tmp.resolve("x").toString());
        assertThat(outside.exit()).isEqualTo(1);
        assertThat(outside.err()).contains("token id 99999", "outside the vocabulary");

        CliContractTest.Run missing = run("", "grad", "--model", tmp.resolve("nope").toString(), "--tokens", "5,6", "--out", tmp.resolve("x").toString());
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("nope");
        assertThat(tmp.resolve("x")).doesNotExist();
    }
}
