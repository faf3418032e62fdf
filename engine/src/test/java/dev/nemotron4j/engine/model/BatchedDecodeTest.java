package dev.nemotron4j.engine.model;

import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.TinyFixtures;
import dev.nemotron4j.engine.sampling.Sampler;
import dev.nemotron4j.engine.state.SequenceState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * N sequences advancing together in one batched forward per step give exactly what each gives alone
 * (N = 1…8), including a mixed step where one sequence prefills a piece while the others decode.
 */
class BatchedDecodeTest {

    static Stream<String> models() {
        return TinyFixtures.models();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void batchedGreedyDecodeEqualsEachSequenceAlone(String name) {
        try (NemotronHModel model = ModelSource.of(TinyFixtures.dir(name)).load()) {
            int vocab = model.vocabSize(), steps = 12;
            Random rnd = new Random(name.hashCode());
            for (int n = 1; n <= 8; n++) {
                int[][] prompts = new int[n][];
                for (int i = 0; i < n; i++) {
                    prompts[i] = rnd.ints(1 + rnd.nextInt(20), 0, vocab).toArray();
                }
                int[][] alone = new int[n][steps];
                for (int i = 0; i < n; i++) {
                    SequenceState s = model.newState();
                    float[] logits = model.forwardLast(s, prompts[i]);
                    for (int t = 0; t < steps; t++) {
                        alone[i][t] = Sampler.argmax(logits);
                        logits = model.forwardLast(s, new int[] {alone[i][t]});
                    }
                }
                SequenceState[] states = new SequenceState[n];
                int[] next = new int[n];
                for (int i = 0; i < n; i++) {
                    states[i] = model.newState();
                    next[i] = Sampler.argmax(model.forwardLast(states[i], prompts[i]));
                }
                float[] logits = new float[n * vocab];
                for (int t = 0; t < steps; t++) {
                    for (int i = 0; i < n; i++) assertThat(next[i]).as("%s n=%d seq %d step %d", name, n, i, t).isEqualTo(alone[i][t]);
                    model.decodeBatch(states, next, logits);
                    for (int i = 0; i < n; i++) next[i] = Sampler.argmax(logits, i * vocab, vocab);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void prefillPieceJoiningRunningDecodesChangesNothing(String name) {
        try (NemotronHModel model = ModelSource.of(TinyFixtures.dir(name)).load()) {
            int vocab = model.vocabSize();
            int[] a = {5, 9, 33, 7}, b = {100, 3, 8, 2, 44, 19, 70, 1, 1, 2};
            SequenceState sa = model.newState();
            float[] la = model.forwardLast(sa, a);
            int nextA = Sampler.argmax(la);
            // reference: A's next step alone, B's prefill alone
            SequenceState ra = sa.fork();
            float[] refA = model.forwardLast(ra, new int[] {nextA});
            float[] refB = model.forwardLast(model.newState(), b);
            // mixed step: A decodes one token while B prefills its whole prompt
            SequenceState sb = model.newState();
            int[] tokens = new int[1 + b.length];
            tokens[0] = nextA;
            System.arraycopy(b, 0, tokens, 1, b.length);
            float[] out = new float[2 * vocab];
            model.forward(BatchLayout.of(new SequenceState[] {sa, sb}, new int[] {1, b.length}), tokens,
                    NemotronHModel.LogitRows.LAST_OF_EACH_SEGMENT, out, null);
            assertThat(java.util.Arrays.copyOfRange(out, 0, vocab)).containsExactly(refA);
            assertThat(java.util.Arrays.copyOfRange(out, vocab, 2 * vocab)).containsExactly(refB);
            assertThat(sb.position()).isEqualTo(b.length);
        }
    }
}
