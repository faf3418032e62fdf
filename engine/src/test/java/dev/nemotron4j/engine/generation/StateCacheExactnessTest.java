package dev.nemotron4j.engine.generation;

import dev.nemotron4j.engine.TinyFixtures;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.sampling.SamplingParams;
import dev.nemotron4j.engine.state.PrefixStateCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resuming from saved states changes no bit: a multi-turn conversation (each prompt = the previous prompt, its answer
 * and a new message) gives the same logits at every generated token with a {@link PrefixStateCache} as without, on every
 * tiny layout, with piece lengths that are multiples of the scan chunk, equal to it, not multiples, and shorter.
 */
class StateCacheExactnessTest {

    /** Records every step's logits (bits) and the stats. */
    static final class LogitRecorder extends AwaitedListener {
        final List<int[]> logits = new ArrayList<>();
        final List<Integer> tokens = new ArrayList<>();

        @Override
        public void constrain(float[] l, int offset, int vocab) {
            int[] bits = new int[vocab];
            for (int i = 0; i < vocab; i++) bits[i] = Float.floatToRawIntBits(l[offset + i]);
            logits.add(bits);
        }

        @Override
        public boolean onToken(int token, TokenLogprobs logprobs) {
            tokens.add(token);
            return true;
        }

        @Override
        void await() throws InterruptedException {
            super.await();
            assertThat(error).isNull();
        }
    }

    record Turn(int[] prompt, LogitRecorder result) {
    }

    /** Runs {@code turns} turns; turn k's prompt is turn k-1's prompt, its answer and {@code extra} new tokens. */
    static List<Turn> conversation(NemotronHModel model, BatchScheduler s, int turns, long seed) throws Exception {
        Random rnd = new Random(seed);
        int vocab = model.vocabSize();
        List<Turn> out = new ArrayList<>();
        int[] prompt = rnd.ints(40 + rnd.nextInt(90), 0, vocab).toArray();
        for (int t = 0; t < turns; t++) {
            LogitRecorder r = new LogitRecorder();
            // the shared-prefix hint as a chat has it: the conversation before the new turn's last few tokens
            int shared = Math.max(0, prompt.length - 3);
            s.submit(new GenerationRequest(prompt, SamplingParams.GREEDY, 6, java.util.Set.of(), -1, 0, r, shared));
            r.await();
            out.add(new Turn(prompt, r));
            int[] extra = rnd.ints(5 + rnd.nextInt(60), 0, vocab).toArray();
            int[] next = Arrays.copyOf(prompt, prompt.length + r.tokens.size() + extra.length);
            for (int i = 0; i < r.tokens.size(); i++) next[prompt.length + i] = r.tokens.get(i);
            System.arraycopy(extra, 0, next, prompt.length + r.tokens.size(), extra.length);
            prompt = next;
        }
        return out;
    }

    @ParameterizedTest(name = "{0}, pieces of {1}")
    @CsvSource({"tiny-a, 64", "tiny-a, 24", "tiny-b, 20", "tiny-c, 64", "tiny-d, 7"})
    void resumedPromptsGiveTheSameLogitsBitForBit(String fixture, int piece) throws Exception {
        try (NemotronHModel model = ModelSource.of(TinyFixtures.dir(fixture)).load()) {
            BatchScheduler.Options options = new BatchScheduler.Options(4, 16, piece, 512, 2048);
            List<Turn> plain, cached;
            try (BatchScheduler s = new BatchScheduler(model, options)) {
                plain = conversation(model, s, 5, 11);
            }
            PrefixStateCache cache = new PrefixStateCache(256L << 20);
            try (BatchScheduler s = new BatchScheduler(model, options, cache)) {
                cached = conversation(model, s, 5, 11);
            }
            PrefillSchedule schedule = new PrefillSchedule(piece, model.mambaChunkSize());
            for (int t = 0; t < plain.size(); t++) {
                Turn a = plain.get(t), b = cached.get(t);
                assertThat(b.prompt()).isEqualTo(a.prompt());
                assertThat(b.result().tokens).as("turn %d tokens", t).isEqualTo(a.result().tokens);
                assertThat(b.result().logits).as("turn %d logits", t).hasSameSizeAs(a.result().logits);
                for (int i = 0; i < a.result().logits.size(); i++) {
                    assertThat(b.result().logits.get(i)).as("turn %d, token %d: logit bits", t, i).isEqualTo(a.result().logits.get(i));
                }
                assertThat(a.result().stats.cachedTokens()).isZero();
                if (t > 0) {
                    // resumed from the save point before the previous prompt's shared prefix (or a later one)
                    int previous = plain.get(t - 1).prompt().length;
                    int expected = schedule.savePoint(previous - 3, previous);
                    assertThat(b.result().stats.cachedTokens()).as("turn %d cached", t).isGreaterThanOrEqualTo(expected).isPositive();
                    assertThat(schedule.resumesExactly(b.result().stats.cachedTokens(), b.prompt().length)).isTrue();
                }
            }
            assertThat(cache.stats().hits()).isEqualTo(4);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"tiny-a", "tiny-d"})
    void concurrentConversationsSharingASystemPromptMatchTheirSoloRuns(String fixture) throws Exception {
        try (NemotronHModel model = ModelSource.of(TinyFixtures.dir(fixture)).load()) {
            BatchScheduler.Options options = new BatchScheduler.Options(4, 16, 32, 512, 2048);
            Random rnd = new Random(5);
            int[] system = rnd.ints(150, 0, model.vocabSize()).toArray();
            int[][] prompts = new int[6][];
            for (int i = 0; i < prompts.length; i++) {
                int[] user = rnd.ints(10 + i * 7, 0, model.vocabSize()).toArray();
                prompts[i] = Arrays.copyOf(system, system.length + user.length);
                System.arraycopy(user, 0, prompts[i], system.length, user.length);
            }
            LogitRecorder[] solo = new LogitRecorder[prompts.length];
            try (BatchScheduler s = new BatchScheduler(model, options)) {
                for (int i = 0; i < prompts.length; i++) {
                    solo[i] = new LogitRecorder();
                    s.submit(new GenerationRequest(prompts[i], SamplingParams.GREEDY, 5, java.util.Set.of(), -1, 0, solo[i], system.length));
                    solo[i].await();
                }
            }
            PrefixStateCache cache = new PrefixStateCache(64L << 20);
            try (BatchScheduler s = new BatchScheduler(model, options, cache)) {
                // the first alone (it saves the system prompt), then the rest at once, batched together
                LogitRecorder first = new LogitRecorder();
                s.submit(new GenerationRequest(prompts[0], SamplingParams.GREEDY, 5, java.util.Set.of(), -1, 0, first, system.length));
                first.await();
                assertThat(first.logits).hasSameSizeAs(solo[0].logits);
                for (int k = 0; k < solo[0].logits.size(); k++) assertThat(first.logits.get(k)).isEqualTo(solo[0].logits.get(k));
                LogitRecorder[] together = new LogitRecorder[prompts.length];
                for (int i = 1; i < prompts.length; i++) {
                    together[i] = new LogitRecorder();
                    s.submit(new GenerationRequest(prompts[i], SamplingParams.GREEDY, 5, java.util.Set.of(), -1, 0, together[i], system.length));
                }
                for (int i = 1; i < prompts.length; i++) {
                    together[i].await();
                    assertThat(together[i].tokens).isEqualTo(solo[i].tokens);
                    assertThat(together[i].logits).hasSameSizeAs(solo[i].logits);
                    for (int k = 0; k < solo[i].logits.size(); k++) {
                        assertThat(together[i].logits.get(k)).as("prompt %d token %d", i, k).isEqualTo(solo[i].logits.get(k));
                    }
                    // resumed inside the shared system prompt, at most a scan chunk or two before its end
                    assertThat(together[i].stats.cachedTokens()).as("prompt %d cached", i)
                            .isBetween(system.length - 2 * Math.max(model.mambaChunkSize(), 2), system.length);
                }
            }
        }
    }

    /**
     * Inside a long prompt a state is saved every {@link BatchScheduler#SAVE_INTERVAL} tokens (not only at its
     * shared prefix and its end): another prompt that shares only the first part of it, with no shared-prefix hint,
     * resumes at that save point and computes the same logits as without the cache.
     */
    @Test
    void longPromptsAreSavedEveryIntervalInside() throws Exception {
        try (NemotronHModel model = ModelSource.of(TinyFixtures.dir("tiny-a")).load()) {
            BatchScheduler.Options options = new BatchScheduler.Options(2, 4, 64, 512, 4096);
            int interval = BatchScheduler.SAVE_INTERVAL;
            assertThat(interval % 64).as("a whole number of pieces").isZero();
            Random rnd = new Random(8);
            int[] first = rnd.ints(interval + 200, 0, model.vocabSize()).toArray();
            // shares the first interval + 40 tokens, then goes its own way
            int[] second = Arrays.copyOf(first, interval + 100);
            for (int i = interval + 40; i < second.length; i++) second[i] = rnd.nextInt(model.vocabSize());
            LogitRecorder plain = new LogitRecorder();
            try (BatchScheduler s = new BatchScheduler(model, options)) {
                s.submit(new GenerationRequest(second, SamplingParams.GREEDY, 3, java.util.Set.of(), -1, 0, plain));
                plain.await();
            }
            PrefixStateCache cache = new PrefixStateCache(256L << 20);
            try (BatchScheduler s = new BatchScheduler(model, options, cache)) {
                LogitRecorder a = new LogitRecorder(), b = new LogitRecorder();
                s.submit(new GenerationRequest(first, SamplingParams.GREEDY, 1, java.util.Set.of(), -1, 0, a));
                a.await();
                s.submit(new GenerationRequest(second, SamplingParams.GREEDY, 3, java.util.Set.of(), -1, 0, b));
                b.await();
                assertThat(b.stats.cachedTokens()).as("resumed at the save point inside the first prompt").isEqualTo(interval);
                assertThat(b.tokens).isEqualTo(plain.tokens);
                assertThat(b.logits).hasSameSizeAs(plain.logits);
                for (int k = 0; k < plain.logits.size(); k++) assertThat(b.logits.get(k)).as("token %d logit bits", k).isEqualTo(plain.logits.get(k));
            }
        }
    }
}
