package dev.nemotron4j.eval.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.target.EndpointType;
import dev.nemotron4j.eval.target.ReasoningMode;

import java.util.List;
import java.util.Map;

/**
 * A fully resolved evaluation configuration: the built-in defaults, the YAML file and the command
 * line overrides merged into one value (see {@link ConfigLoader}). Field names map to snake_case YAML keys.
 */
public record EvalConfig(
        TargetConfig target,
        GenerationConfig generation,
        RunConfig run,
        List<TaskConfig> tasks,
        InterceptorsConfig interceptors,
        OutputConfig output,
        JudgeConfig judge) {

    /** Either an in-process {@code model} path or an {@code endpoint}. */
    public record TargetConfig(String model, EndpointConfig endpoint, Map<String, String> options) {}

    /** An OpenAI-compatible endpoint; the API key is read from the environment variable {@code api_key_env}. */
    public record EndpointConfig(String url, String model, String apiKeyEnv, EndpointType type) {}

    /** Sampling and generation parameters; in task overrides, null means "inherit". */
    public record GenerationConfig(Double temperature, Double topP, Integer topK, Integer maxTokens,
                                   ReasoningMode reasoning, Integer reasoningBudget, Boolean logprobs) {
        /** This config with every non-null field of {@code override} applied on top. */
        public GenerationConfig overriddenBy(GenerationConfig override) {
            if (override == null) return this;
            return new GenerationConfig(
                    override.temperature != null ? override.temperature : temperature,
                    override.topP != null ? override.topP : topP,
                    override.topK != null ? override.topK : topK,
                    override.maxTokens != null ? override.maxTokens : maxTokens,
                    override.reasoning != null ? override.reasoning : reasoning,
                    override.reasoningBudget != null ? override.reasoningBudget : reasoningBudget,
                    override.logprobs != null ? override.logprobs : logprobs);
        }
    }

    /**
     * Run-wide settings. {@code parallelism} never changes results, only speed; {@code shard} ("i/n", 0-based) picks
     * the i-th of n disjoint slices of the samples, and is no input either: merged shards are the unsharded run.
     */
    public record RunConfig(Long seed, Integer repeats, Integer parallelism, Integer limit, String shard, SubsetConfig subset) {}

    /**
     * A seeded random subset of each dataset's items: {@code size} items or a {@code fraction} of them, drawn with
     * {@code seed} (default: the run seed), optionally stratified by a dataset field (proportional allocation).
     */
    public record SubsetConfig(Integer size, Double fraction, Long seed, String stratify) {}

    /**
     * One task. {@code type} picks a built-in family ({@code gsm8k}, {@code multiple_choice},
     * {@code tool_calling}, {@code ruler}, {@code custom}); every other field overrides that family's defaults.
     *
     * @param prompt           a user-message template string, or a list of {role, content} templates
     * @param expected         how to read the reference answer: {@code field} (default) or {@code after_hashes} (GSM8K's "#### 42")
     * @param scoring          {@code generate} (default), {@code loglikelihood} (multiple choice, acc: the most likely
     *                         option) or {@code loglikelihood_norm} (acc_norm: log-likelihood per character of the option)
     * @param reasoningBudgets sweep: the task runs once per budget (plotted as accuracy vs reasoning budget)
     * @param params           family-specific settings (RULER: lengths, variants, samples_per_length, ...)
     * @param subset           this task's subset (default: {@code run.subset})
     * @param fewShot          few-shot examples (log-likelihood scoring)
     * @param continuation     what each option scores after the context: {@code letter} (" A", default) or
     *                         {@code choice_text} (" " + the option's text, as HellaSwag and ARC are scored)
     */
    public record TaskConfig(String name, String type, String dataset, JsonNode prompt, String extractor,
                             String scorer, String idField, String questionField, String answerField,
                             String choicesField, String toolsField, String expected, String scoring,
                             Map<String, Object> extractorParams, GenerationConfig generation, Integer repeats,
                             Integer limit, List<Integer> reasoningBudgets, Map<String, Object> params, SubsetConfig subset,
                             FewShotConfig fewShot, String continuation) {}

    /**
     * Few-shot examples before each question (log-likelihood scoring): {@code count} solved examples from
     * {@code dataset} (a dev split: its first ones, or a seeded choice when {@code seed} is set) or, without a
     * dataset, seeded from the task's own items other than the one asked. With {@code matchField}, only examples whose
     * field of that name equals the asked item's are used (MMLU's 5-shot examples are its dev split's, of the
     * question's own subject).
     */
    public record FewShotConfig(Integer count, String dataset, Long seed,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String matchField) {}

    /** The interceptor chain's settings; the chain's order is fixed (see docs/EVALUATION.md). */
    public record InterceptorsConfig(SystemPromptConfig systemPrompt, PayloadConfig payload,
                                     ReasoningConfig reasoning, CacheConfig cache, LoggingConfig logging,
                                     RetryConfig retry, TimeoutConfig timeout, RateLimitConfig rateLimit,
                                     ProgressConfig progress) {}

    /** {@code mode}: prepend (default), append or replace the request's own system message. */
    public record SystemPromptConfig(String text, String mode) {}

    /** Fields to set in (or, with {@code remove}, drop from) the wire payload. */
    public record PayloadConfig(Map<String, Object> set, List<String> remove) {}

    /** How to separate thinking from the answer. */
    public record ReasoningConfig(Boolean fallbackToReasoning, String thinkStart, String thinkEnd) {}

    public record CacheConfig(Boolean enabled, String dir) {}

    public record LoggingConfig(Boolean enabled, String file) {}

    public record RetryConfig(Integer maxAttempts, Long initialBackoffMs, Long maxBackoffMs) {}

    public record TimeoutConfig(Double seconds) {}

    public record RateLimitConfig(Double requestsPerSecond) {}

    public record ProgressConfig(Boolean enabled) {}

    public record OutputConfig(String dir, Boolean html) {}

    /**
     * The judge of LLM-as-judge tasks (Arena-Hard): a separate OpenAI-compatible chat endpoint. {@code url},
     * {@code model}, {@code temperature} and {@code max_tokens} are inputs of the run (in its fingerprint);
     * {@code api_key_env} (the key is read from that variable, never stored) and {@code cache_dir} (default
     * {@code RUN_DIR/judge-cache}; share one across runs) are not.
     */
    public record JudgeConfig(String url, String model, String apiKeyEnv, Double temperature, Integer maxTokens, String cacheDir) {}
}
