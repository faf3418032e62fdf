package dev.nemotron4j.eval.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.SampleKey;
import dev.nemotron4j.eval.interceptor.Call;
import dev.nemotron4j.eval.interceptor.InterceptorChain;
import dev.nemotron4j.eval.target.ChatMessage;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.ReasoningMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Arena-Hard's pairwise judge: for one question, the judge compares the model's answer with the baseline's twice,
 * once with the baseline as assistant A ({@link #BASELINE_FIRST}) and once with the model's answer as assistant A
 * ({@link #ANSWER_FIRST}), so a judge that favours a position favours both sides once. A judgment without a verdict
 * label is asked once more ({@link #ATTEMPTS} in all); if that one has none either, the game has no verdict and the
 * sample is reported as unscored, never given a score. Every call goes through the {@link JudgeCache} first.
 */
public final class PairwiseJudge {
    public static final String BASELINE_FIRST = "baseline_first";
    public static final String ANSWER_FIRST = "answer_first";
    /** The first judgment and one retry when it has no verdict label (Arena-Hard's two judgment attempts). */
    public static final int ATTEMPTS = 2;

    /** How the judge is asked: the served model, sampling (temperature 0 by default) and the answer length cap. */
    public record Settings(String model, double temperature, int maxTokens) {}

    /**
     * One judgment: the judge's text, the verdict read from it (null when it has none) and the cache key of the call.
     */
    public record Attempt(String judgment, String label, String cacheKey) {}

    /** One ordering of the pair and the judgments asked for it (one, or two after an unparseable first). */
    public record Game(String order, List<Attempt> attempts) {
        public Game {
            attempts = List.copyOf(attempts);
        }

        /** The verdict of the first attempt that has one. */
        public Optional<Verdict> verdict() {
            for (Attempt a : attempts) if (a.label() != null) return Verdict.of(a.label());
            return Optional.empty();
        }
    }

    private final InterceptorChain chain;
    private final Settings settings;
    private final JudgeCache cache;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong cacheHits = new AtomicLong();
    private final AtomicLong failedCalls = new AtomicLong();
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong completionTokens = new AtomicLong();

    /**
     * @param chain    the judge endpoint behind its retry and timeout interceptors
     * @param settings judge model and sampling
     * @param cache    where judgments are kept
     */
    public PairwiseJudge(InterceptorChain chain, Settings settings, JudgeCache cache) {
        this.chain = chain;
        this.settings = settings;
        this.cache = cache;
    }

    /** Judge calls that reached the judge (cache misses) since this judge was made. */
    public long calls() { return calls.get(); }

    /** The calls, cache hits, retries, failures and reported tokens since this judge was made. */
    public JudgeTotals totals() {
        long retries = 0;
        for (var i : chain.interceptors()) if (i instanceof dev.nemotron4j.eval.interceptor.RetryInterceptor r) retries += r.retries();
        return new JudgeTotals(settings.model(), calls.get(), cacheHits.get(), retries, failedCalls.get(), promptTokens.get(), completionTokens.get());
    }

    /** Both games of one question: the baseline as A first, then the model's answer as A. */
    public List<Game> judge(SampleKey sample, String category, String question, String baseline, String answer) {
        return List.of(
                game(sample, BASELINE_FIRST, ArenaHardPrompts.messages(category, question, baseline, answer)),
                game(sample, ANSWER_FIRST, ArenaHardPrompts.messages(category, question, answer, baseline)));
    }

    private Game game(SampleKey sample, String order, List<ChatMessage> messages) {
        GenerationRequest request = new GenerationRequest(messages, null, settings.temperature(), 1.0, 0, settings.maxTokens(), 0,
                ReasoningMode.DEFAULT, null, null, false, null, null);
        List<Attempt> attempts = new ArrayList<>();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            String key = JudgeCache.key(settings.model(), request, attempt);
            GenerationResult result = cache.get(key).orElse(null);
            if (result == null) {
                calls.incrementAndGet();
                try {
                    result = chain.execute(new Call(request, sample));
                } catch (RuntimeException failed) {
                    failedCalls.incrementAndGet();
                    throw failed;
                }
                if (result.usage() != null) {
                    promptTokens.addAndGet(result.usage().promptTokens());
                    completionTokens.addAndGet(result.usage().completionTokens());
                }
                cache.put(key, result);
            } else {
                cacheHits.incrementAndGet();
            }
            String judgment = result.content();
            String label = Verdict.parse(judgment).map(Verdict::label).orElse(null);
            attempts.add(new Attempt(judgment, label, key));
            if (label != null) break;
        }
        return new Game(order, attempts);
    }

    /** The games as stored with a sample ({@code details.games}). */
    public static ArrayNode toJson(List<Game> games) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (Game g : games) {
            ObjectNode game = out.addObject().put("order", g.order());
            ArrayNode attempts = game.putArray("attempts");
            for (Attempt a : g.attempts()) attempts.addObject().put("judgment", a.judgment()).put("label", a.label()).put("cache_key", a.cacheKey());
        }
        return out;
    }

    /**
     * Stored games read back with the verdicts parsed afresh from the stored judgments (rescoring: a newer parser
     * reads the same texts; nothing is asked again).
     */
    public static List<Game> reparsed(JsonNode games) {
        List<Game> out = new ArrayList<>();
        for (JsonNode g : games) {
            List<Attempt> attempts = new ArrayList<>();
            for (JsonNode a : g.path("attempts")) {
                String judgment = a.path("judgment").isNull() ? null : a.path("judgment").asText();
                attempts.add(new Attempt(judgment, Verdict.parse(judgment).map(Verdict::label).orElse(null), a.path("cache_key").asText()));
            }
            out.add(new Game(g.path("order").asText(), attempts));
        }
        return out;
    }
}
