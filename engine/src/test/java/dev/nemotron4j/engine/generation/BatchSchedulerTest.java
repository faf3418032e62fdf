package dev.nemotron4j.engine.generation;

import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.TinyFixtures;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.sampling.SamplingParams;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Continuous batching gives each request exactly what it gets alone, and frees slots as promised. */
class BatchSchedulerTest {

    @AutoClose
    static final NemotronHModel model = ModelSource.of(TinyFixtures.dir("tiny-d")).load();

    /** Collects tokens; optionally stops after {@code stopAfter} tokens. */
    static class Collector extends AwaitedListener {
        final List<Integer> tokens = new CopyOnWriteArrayList<>();
        final int stopAfter;

        Collector(int stopAfter) {
            this.stopAfter = stopAfter;
        }

        @Override
        public boolean onToken(int token, TokenLogprobs logprobs) {
            tokens.add(token);
            return tokens.size() != stopAfter;
        }
    }

    static int[] alone(int[] prompt, int n) {
        TokenGenerator g = new TokenGenerator(model);
        return g.generate(model.newState(), prompt, n, new dev.nemotron4j.engine.sampling.Sampler(SamplingParams.GREEDY, model.vocabSize()), Set.of(), null).tokens();
    }

    @Test
    void concurrentGreedyRequestsMatchTheirSoloRuns() throws Exception {
        Random rnd = new Random(7);
        for (int n : new int[] {1, 3, 8}) {
            List<int[]> prompts = new ArrayList<>();
            List<int[]> solo = new ArrayList<>();
            for (int i = 0; i < n; i++) prompts.add(rnd.ints(3 + rnd.nextInt(30), 0, model.vocabSize()).toArray());
            // each alone first: the model runs one pass at a time, and the scheduler's thread is its caller below
            for (int[] p : prompts) solo.add(alone(p, 10));
            try (BatchScheduler s = new BatchScheduler(model, new BatchScheduler.Options(4, 16, 5, 12, 4096))) {
                List<Collector> cs = new ArrayList<>();
                for (int[] p : prompts) {
                    Collector c = new Collector(-1);
                    cs.add(c);
                    s.submit(new GenerationRequest(p, SamplingParams.GREEDY, 10, Set.of(), -1, 0, c));
                }
                for (int i = 0; i < n; i++) {
                    cs.get(i).await();
                    assertThat(cs.get(i).tokens).as("request %d of %d", i, n).containsExactly(box(solo.get(i)));
                    assertThat(cs.get(i).stats.reason()).isEqualTo(FinishReason.LENGTH);
                    assertThat(cs.get(i).stats.promptTokens()).isEqualTo(prompts.get(i).length);
                }
                assertThat(s.runningCount()).isZero();
            }
        }
    }

    /** Logprobs too, bit for bit: a sequence's prompt pieces do not depend on the rest of the batch. */
    @Test
    void logprobsAreBitIdenticalSoloAndBatched() throws Exception {
        Random rnd = new Random(11);
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < 6; i++) prompts.add(rnd.ints(2 + rnd.nextInt(40), 0, model.vocabSize()).toArray());
        List<List<Float>> solo = new ArrayList<>();
        try (BatchScheduler s = new BatchScheduler(model, new BatchScheduler.Options(1, 16, 7, 9, 4096))) {
            for (int[] p : prompts) solo.add(logprobs(s, List.of(p)).get(0));
        }
        try (BatchScheduler s = new BatchScheduler(model, new BatchScheduler.Options(6, 16, 7, 9, 4096))) {
            assertThat(logprobs(s, prompts)).isEqualTo(solo);
        }
    }

    private static List<List<Float>> logprobs(BatchScheduler s, List<int[]> prompts) throws Exception {
        List<List<Float>> out = new ArrayList<>();
        List<Collector> cs = new ArrayList<>();
        for (int[] p : prompts) {
            List<Float> lps = new CopyOnWriteArrayList<>();
            out.add(lps);
            Collector c = new Collector(-1) {
                @Override
                public boolean onToken(int token, TokenLogprobs lp) {
                    lps.add(lp.logprob());
                    return super.onToken(token, lp);
                }
            };
            cs.add(c);
            s.submit(new GenerationRequest(p, SamplingParams.GREEDY, 8, Set.of(), 0, 0, c));
        }
        for (Collector c : cs) c.await();
        return out;
    }

    @Test
    void stopTokensListenerStopsCancellationAndLimits() throws Exception {
        try (BatchScheduler s = new BatchScheduler(model, new BatchScheduler.Options(2, 1, 64, 64, 64))) {
            int[] prompt = {5, 6, 7, 8};
            int[] expected = alone(prompt, 5);
            Collector stop = new Collector(-1);
            s.submit(new GenerationRequest(prompt, SamplingParams.GREEDY, 50, Set.of(expected[2]), -1, 0, stop));
            stop.await();
            assertThat(stop.stats.reason()).isEqualTo(FinishReason.STOP);
            assertThat(stop.tokens).hasSize(3);

            Collector listener = new Collector(2);
            s.submit(new GenerationRequest(prompt, SamplingParams.GREEDY, 50, Set.of(), 3, 0, listener));
            listener.await();
            assertThat(listener.stats.reason()).isEqualTo(FinishReason.STOPPED_BY_LISTENER);

            Collector ctx = new Collector(-1);
            s.submit(new GenerationRequest(prompt, SamplingParams.GREEDY, 1000, Set.of(), -1, 0, ctx));
            ctx.await();
            assertThat(ctx.stats.reason()).isEqualTo(FinishReason.LENGTH);
            assertThat(ctx.tokens.size() + prompt.length).isEqualTo(64);

            Collector zero = new Collector(-1);
            s.submit(new GenerationRequest(prompt, SamplingParams.GREEDY, 0, Set.of(), -1, 0, zero));
            zero.await();
            assertThat(zero.tokens).isEmpty();

            assertThatThrownBy(() -> s.submit(new GenerationRequest(new int[64], SamplingParams.GREEDY, 1, Set.of(), -1, 0, new Collector(-1))))
                    .hasMessageContaining("context");

            // A never-ending request is cancelled and frees its slot.
            Collector endless = new Collector(-1);
            GenerationHandle h = s.submit(new GenerationRequest(prompt, SamplingParams.GREEDY, 50, Set.of(), -1, 0, endless));
            h.cancel();
            endless.await();
            assertThat(endless.stats.reason()).isIn(FinishReason.CANCELLED, FinishReason.LENGTH);
            assertThat(h.completion().get(10, TimeUnit.SECONDS).reason()).isEqualTo(endless.stats.reason());
        }
    }

    @Test
    void boundedQueueRejectsWhenFull() throws Exception {
        try (BatchScheduler s = new BatchScheduler(model, new BatchScheduler.Options(1, 1, 64, 64, 4096))) {
            // Listener that blocks the first request until released keeps the single slot busy.
            CountDownLatch release = new CountDownLatch(1);
            Collector blocker = new Collector(-1) {
                @Override
                public boolean onToken(int token, TokenLogprobs logprobs) {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return false;
                }
            };
            s.submit(new GenerationRequest(new int[] {1, 2}, SamplingParams.GREEDY, 5, Set.of(), -1, 0, blocker));
            Thread.sleep(200); // let it be admitted
            Collector queued = new Collector(-1);
            s.submit(new GenerationRequest(new int[] {1, 2}, SamplingParams.GREEDY, 2, Set.of(), -1, 0, queued));
            assertThatThrownBy(() -> s.submit(new GenerationRequest(new int[] {1, 2}, SamplingParams.GREEDY, 2, Set.of(), -1, 0, new Collector(-1))))
                    .isInstanceOf(QueueFullException.class);
            release.countDown();
            blocker.await();
            queued.await();
            assertThat(queued.tokens).hasSize(2);
        }
    }

    @Test
    void seededSamplingIsRepeatableAndLogprobsAreNormalised() throws Exception {
        SamplingParams p = new SamplingParams(0.9f, 20, 0.95f, 0.01f, 1.1f, 0.1f, 0.1f, java.util.Map.of(), 1234);
        List<List<Integer>> runs = new ArrayList<>();
        try (BatchScheduler s = new BatchScheduler(model, new BatchScheduler.Options(2, 4, 64, 64, 4096))) {
            for (int i = 0; i < 2; i++) {
                Collector c = new Collector(-1) {
                    @Override
                    public boolean onToken(int token, TokenLogprobs lp) {
                        assertThat(lp.token()).isEqualTo(token);
                        assertThat(lp.logprob()).isLessThanOrEqualTo(0f);
                        assertThat(lp.topTokens()).hasSize(3);
                        assertThat(lp.topLogprobs()[0]).isGreaterThanOrEqualTo(lp.topLogprobs()[1]);
                        return super.onToken(token, lp);
                    }
                };
                s.submit(new GenerationRequest(new int[] {9, 8, 7}, p, 12, Set.of(), 3, 0, c));
                c.await();
                assertThat(c.error).isNull();
                runs.add(List.copyOf(c.tokens));
            }
        }
        assertThat(runs.get(0)).hasSize(12).isEqualTo(runs.get(1));
    }

    static Integer[] box(int[] a) {
        Integer[] b = new Integer[a.length];
        for (int i = 0; i < a.length; i++) b[i] = a[i];
        return b;
    }
}
