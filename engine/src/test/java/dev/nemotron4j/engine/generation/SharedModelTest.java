package dev.nemotron4j.engine.generation;

import dev.nemotron4j.engine.TinyFixtures;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.BatchLayout;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.sampling.SamplingParams;
import dev.nemotron4j.engine.state.SequenceState;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A model shared by many callers (the server's threads) is reached through one scheduler, whose thread is its only
 * caller: prompt scoring and generation submitted from many threads at once get, bit for bit, what each gets on its
 * own; and the model refuses a second pass while one runs instead of mixing the two passes' scratch.
 */
class SharedModelTest {

    @AutoClose
    static final NemotronHModel model = ModelSource.of(TinyFixtures.dir("tiny-d")).load();

    /** One request: scoring a prompt, or generating from it (seeded sampling, top-3 log-probabilities). */
    record Work(boolean score, int[] prompt, long seed) {
    }

    /** What a request gave, as bits: token ids, then each log-probability's float bits and its top alternatives. */
    static List<Integer> bits(TokenLogprobs[] lps) {
        List<Integer> out = new ArrayList<>();
        for (TokenLogprobs lp : lps) {
            if (lp == null) {
                out.add(-1);
                continue;
            }
            out.add(lp.token());
            out.add(Float.floatToRawIntBits(lp.logprob()));
            for (int t : lp.topTokens()) out.add(t);
            for (float f : lp.topLogprobs()) out.add(Float.floatToRawIntBits(f));
        }
        return out;
    }

    static CompletableFuture<List<Integer>> start(BatchScheduler s, Work w) {
        if (w.score) return s.score(w.prompt, 3).thenApply(SharedModelTest::bits);
        CompletableFuture<List<Integer>> result = new CompletableFuture<>();
        List<TokenLogprobs> heard = new ArrayList<>(); // written on the scheduler thread only
        GenerationListener listener = new GenerationListener() {
            @Override
            public boolean onToken(int token, TokenLogprobs logprobs) {
                heard.add(logprobs);
                return true;
            }

            @Override
            public void onComplete(GenerationStats stats) {
                List<Integer> b = bits(heard.toArray(TokenLogprobs[]::new));
                b.add(stats.reason().ordinal());
                result.complete(b);
            }

            @Override
            public void onError(Throwable error) {
                result.completeExceptionally(error);
            }
        };
        var sampling = new SamplingParams(0.9f, 40, 0.95f, 0f, 1f, 0f, 0f, Map.of(), w.seed);
        s.submit(new GenerationRequest(w.prompt, sampling, 12, Set.of(), 3, 0, listener));
        return result;
    }

    @Test
    void scoringAndGenerationFromManyThreadsAreBitIdenticalToSerialCalls() throws Exception {
        Random rnd = new Random(5);
        List<Work> work = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            // scoring prompts longer than a scoring piece (64), so they take several steps beside the generations
            int length = i % 2 == 0 ? 65 + rnd.nextInt(40) : 3 + rnd.nextInt(30);
            work.add(new Work(i % 2 == 0, rnd.ints(length, 0, model.vocabSize()).toArray(), 100 + i));
        }
        // serial: each request alone, one after another; scoring also straight on the model, as PromptScorer does
        List<List<Integer>> serial = new ArrayList<>();
        try (BatchScheduler s = new BatchScheduler(model, new BatchScheduler.Options(1, 4, 16, 64, 4096))) {
            for (Work w : work) {
                List<Integer> alone = start(s, w).get(60, TimeUnit.SECONDS);
                if (w.score) assertThat(alone).as("scheduler scoring = PromptScorer").isEqualTo(bits(PromptScorer.score(model, w.prompt, 3)));
                serial.add(alone);
            }
        }
        // concurrent: every request submitted at once from a thread of its own, batched together
        List<List<Integer>> concurrent = new ArrayList<>();
        CyclicBarrier go = new CyclicBarrier(work.size());
        try (BatchScheduler s = new BatchScheduler(model, new BatchScheduler.Options(6, 16, 16, 64, 4096));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<Integer>>> futures = new ArrayList<>();
            for (Work w : work) {
                futures.add(pool.submit(() -> {
                    go.await(30, TimeUnit.SECONDS);
                    return start(s, w).get(60, TimeUnit.SECONDS);
                }));
            }
            for (Future<List<Integer>> f : futures) concurrent.add(f.get(120, TimeUnit.SECONDS));
        }
        for (int i = 0; i < work.size(); i++) {
            assertThat(concurrent.get(i)).as("request %d (%s)", i, work.get(i).score ? "score" : "generate").isEqualTo(serial.get(i));
        }
    }

    @Test
    void aSecondPassWhileOneRunsIsRefusedAndTheFirstIsUnharmed() throws Exception {
        int[] tokens = new Random(3).ints(20, 0, model.vocabSize()).toArray();
        int vocab = model.vocabSize();
        float[] expected = new float[vocab];
        model.forward(BatchLayout.of(new SequenceState[] {model.newState()}, new int[] {tokens.length}), tokens,
                NemotronHModel.LogitRows.LAST_OF_EACH_SEGMENT, expected, null);

        // the first pass stops after its embeddings until the second caller has tried
        CountDownLatch inside = new CountDownLatch(1), tried = new CountDownLatch(1);
        float[] first = new float[vocab];
        Thread a = Thread.ofPlatform().start(() -> model.forward(BatchLayout.of(new SequenceState[] {model.newState()}, new int[] {tokens.length}),
                tokens, NemotronHModel.LogitRows.LAST_OF_EACH_SEGMENT, first, (name, data, offset, rows, cols) -> {
                    if (!name.equals("trace.embed")) return;
                    inside.countDown();
                    try {
                        tried.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
        assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
        float[] second = new float[vocab];
        try {
            assertThatThrownBy(() -> model.forward(BatchLayout.of(new SequenceState[] {model.newState()}, new int[] {tokens.length}),
                    tokens, NemotronHModel.LogitRows.LAST_OF_EACH_SEGMENT, second, null))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already running").hasMessageContaining("BatchScheduler");
        } finally {
            tried.countDown();
        }
        a.join(30_000);
        assertThat(Arrays.equals(first, expected)).as("the first pass's logits, bit for bit").isTrue();
        // once it has ended, another thread may run a pass
        model.forward(BatchLayout.of(new SequenceState[] {model.newState()}, new int[] {tokens.length}), tokens,
                NemotronHModel.LogitRows.LAST_OF_EACH_SEGMENT, second, null);
        assertThat(Arrays.equals(second, expected)).isTrue();
    }
}
