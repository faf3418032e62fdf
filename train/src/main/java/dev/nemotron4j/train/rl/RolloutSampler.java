package dev.nemotron4j.train.rl;

import dev.nemotron4j.chat.template.NemotronChatFormat;
import dev.nemotron4j.engine.generation.BatchScheduler;
import dev.nemotron4j.engine.generation.FinishReason;
import dev.nemotron4j.engine.generation.GenerationHandle;
import dev.nemotron4j.engine.generation.GenerationListener;
import dev.nemotron4j.engine.generation.GenerationRequest;
import dev.nemotron4j.engine.generation.GenerationStats;
import dev.nemotron4j.engine.generation.TokenLogprobs;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.sampling.SamplingParams;
import dev.nemotron4j.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;

/**
 * Samples G completions per prompt through the engine's {@link BatchScheduler} (the continuous-batching path the
 * server uses): every prompt is rendered with the chat template, every completion has its own seed derived from
 * (run seed, step, prompt slot, completion index), so the tokens do not depend on how the scheduler happened to
 * batch them. The engine's raw log-probability of each sampled token is kept for importance sampling.
 */
public final class RolloutSampler {
    private final Tokenizer tokenizer;
    private final Set<Integer> stopTokens;

    /** @param tokenizer the model's tokenizer; generation stops at {@code <|im_end|>} (and {@code </s>} when present) */
    public RolloutSampler(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        int end = tokenizer.tokenToId("<|im_end|>").orElseThrow(
                () -> new IllegalArgumentException("the tokenizer has no <|im_end|> token: it cannot end a chat turn"));
        this.stopTokens = tokenizer.tokenToId("</s>").isPresent() ? Set.of(end, tokenizer.tokenToId("</s>").getAsInt()) : Set.of(end);
    }

    /** The prompt's token ids: the request rendered with the chat template (generation prompt on). */
    public int[] promptTokens(RlTask task) {
        return tokenizer.encode(NemotronChatFormat.render(task.request()), false);
    }

    /**
     * G completions of each task, grouped by task in order.
     *
     * @param rewards turns a completion's text and judgement into its reward
     */
    public List<List<Rollout>> sample(NemotronHModel model, List<RlTask> tasks, GrpoConfig config, long step, Rewards rewards) {
        int g = config.groupSize();
        int[][] prompts = new int[tasks.size()][];
        int longest = 0;
        for (int i = 0; i < tasks.size(); i++) {
            prompts[i] = promptTokens(tasks.get(i));
            longest = Math.max(longest, prompts[i].length);
        }
        int total = tasks.size() * g;
        var options = new BatchScheduler.Options(Math.min(config.maxBatch(), total), total, BatchScheduler.DEFAULT_PREFILL_CHUNK,
                Math.max(BatchScheduler.DEFAULT_PREFILL_CHUNK, Math.min(config.maxBatch(), total)), longest + config.maxCompletionTokens() + 1);
        Collector[] collectors = new Collector[total];
        GenerationHandle[] handles = new GenerationHandle[total];
        try (BatchScheduler scheduler = new BatchScheduler(model, options)) {
            for (int i = 0; i < tasks.size(); i++) {
                for (int j = 0; j < g; j++) {
                    int k = i * g + j;
                    collectors[k] = new Collector(config.maxCompletionTokens());
                    SamplingParams sampling = new SamplingParams(config.temperature(), 0, 1f, 0f, 1f, 0f, 0f, Map.of(),
                            completionSeed(config.seed(), step, i, j));
                    handles[k] = scheduler.submit(new GenerationRequest(prompts[i], sampling, config.maxCompletionTokens(),
                            stopTokens, 0, 0, collectors[k]));
                }
            }
            for (GenerationHandle h : handles) h.completion().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sampling rollouts", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("rollout generation failed: " + e.getCause().getMessage(), e.getCause());
        }
        List<List<Rollout>> groups = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            RlTask task = tasks.get(i);
            List<Rollout> group = new ArrayList<>(g);
            for (int j = 0; j < g; j++) {
                Collector c = collectors[i * g + j];
                int[] completion = Arrays.copyOf(c.tokens, c.count);
                double[] logProbs = Arrays.copyOf(c.logProbs, c.count);
                int textEnd = c.count > 0 && stopTokens.contains(completion[c.count - 1]) ? c.count - 1 : c.count;
                String text = tokenizer.decode(Arrays.copyOf(completion, textEnd), false);
                RlTask.Judgement judgement = task.judge(text);
                group.add(new Rollout(task, prompts[i], completion, logProbs, text, judgement,
                        rewards.reward(judgement, text, task.request().options().enableThinking()), c.finish));
            }
            groups.add(List.copyOf(group));
        }
        return groups;
    }

    /** The seed of completion {@code j} of prompt slot {@code i} at {@code step}: a SplittableRandom mix of the four. */
    static long completionSeed(long seed, long step, int slot, int j) {
        SplittableRandom r = new SplittableRandom(seed);
        long a = r.nextLong() ^ (step * 0x9E3779B97F4A7C15L);
        long b = new SplittableRandom(a).nextLong() ^ ((long) slot << 32 | (j & 0xFFFFFFFFL));
        return new SplittableRandom(b).nextLong();
    }

    /** Collects one request's tokens on the scheduler thread; read after its completion future is done. */
    private static final class Collector implements GenerationListener {
        final int[] tokens;
        final double[] logProbs;
        int count;
        FinishReason finish;

        Collector(int maxTokens) {
            tokens = new int[maxTokens];
            logProbs = new double[maxTokens];
        }

        @Override
        public boolean onToken(int token, TokenLogprobs logprobs) {
            tokens[count] = token;
            logProbs[count] = logprobs.logprob();
            count++;
            return true;
        }

        @Override
        public void onComplete(GenerationStats stats) {
            finish = stats.reason();
        }
    }
}
