package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.TokenCounter;
import dev.nemotron4j.eval.SampleKey;
import dev.nemotron4j.eval.task.ChoiceShuffle;
import dev.nemotron4j.eval.task.EvalItem;
import dev.nemotron4j.eval.task.TaskDefinition;

import java.util.List;
import java.util.Locale;

/**
 * What a run (or shard) will cost before it starts: samples, requests, prompt tokens (counted with the target's
 * tokenizer when it is local, else estimated) and the completion-token ceiling ({@code max_tokens} per generation).
 * With a throughput it also estimates the time; {@link #throughputOf} measures one from a finished run.
 *
 * @param samples            samples to run
 * @param requests           requests to send (log-likelihood multiple choice: one per option)
 * @param promptTokens       prompt tokens over all requests
 * @param completionTokenCap completion tokens if every generation ran to max_tokens
 * @param counter            the counter that measured the prompts
 */
public record RunEstimate(long samples, long requests, long promptTokens, long completionTokenCap, String counter) {

    public static RunEstimate of(List<TaskDefinition> tasks, Shard shard, TokenCounter target) {
        TokenCounter counter = target.local() ? target : TokenCounter.approximate();
        long samples = 0, requests = 0, prompt = 0, completion = 0, position = 0;
        for (TaskDefinition task : tasks) {
            for (EvalItem item : task.items()) {
                if (!shard.owns(position++)) continue;
                var tokens = item.fields().get("context_tokens");   // RULER rows carry their measured length
                // GPQA options exist per sample; any order has the same length
                EvalItem shown = task.family().equals("gpqa") ? ChoiceShuffle.forSample(item, 0, new SampleKey(task.name(), item.id(), 0)) : item;
                int promptTokens = tokens != null && tokens.isInt() && counter == target ? tokens.asInt()
                        : counter.count(task.loglikelihood() ? task.scoringSpec().context(task, shown)
                                : GenerationRequest.joinContents(task.prompt().render(shown, task.choicesField())));
                int perSample = task.loglikelihood() ? Math.max(1, item.choiceCount()) : 1;
                samples += task.repeats();
                requests += (long) task.repeats() * perSample;
                prompt += (long) task.repeats() * perSample * promptTokens;
                if (!task.loglikelihood() && task.generation().maxTokens() != null) completion += (long) task.repeats() * task.generation().maxTokens();
            }
        }
        return new RunEstimate(samples, requests, prompt, completion, counter.name());
    }

    /** Tokens (prompt + completion) per second a finished run achieved, if it recorded both. */
    public static Double throughputOf(RunResults results, RunTiming timing) {
        if (timing == null || timing.wallSeconds() <= 0) return null;
        long tokens = 0;
        for (var m : results.tasks().values()) if (m.tokens() != null) tokens += m.tokens().promptTokens() + m.tokens().completionTokens();
        return tokens == 0 ? null : tokens / timing.wallSeconds();
    }

    /**
     * One line for the console. The time is a ceiling at the given throughput (every generation at max_tokens),
     * shown only when a throughput is known.
     */
    public String describe(Double tokensPerSecond) {
        String line = String.format(Locale.ROOT, "estimate: %d samples, %d requests, ~%d prompt tokens (%s), at most %d completion tokens",
                samples, requests, promptTokens, counter, completionTokenCap);
        if (tokensPerSecond == null || tokensPerSecond <= 0) return line;
        double seconds = (promptTokens + completionTokenCap) / tokensPerSecond;
        return line + String.format(Locale.ROOT, "; at %.0f tokens/s at most %s", tokensPerSecond, duration(seconds));
    }

    private static String duration(double seconds) {
        if (seconds < 120) return String.format(Locale.ROOT, "%.0f s", seconds);
        if (seconds < 7200) return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }
}
