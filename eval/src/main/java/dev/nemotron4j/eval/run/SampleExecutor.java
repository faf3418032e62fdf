package dev.nemotron4j.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.SampleKey;
import dev.nemotron4j.eval.config.EvalConfig.GenerationConfig;
import dev.nemotron4j.eval.extract.Extraction;
import dev.nemotron4j.eval.extract.ModelAnswer;
import dev.nemotron4j.eval.extract.PairwiseVerdictExtractor;
import dev.nemotron4j.eval.judge.PairwiseJudge;
import dev.nemotron4j.eval.task.TaskFactory;
import dev.nemotron4j.eval.interceptor.Call;
import dev.nemotron4j.eval.interceptor.InterceptorChain;
import dev.nemotron4j.eval.interceptor.ReasoningInterceptor;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.score.Scored;
import dev.nemotron4j.eval.task.ChoiceShuffle;
import dev.nemotron4j.eval.task.EvalItem;
import dev.nemotron4j.eval.task.SciCodeSteps;
import dev.nemotron4j.eval.task.TaskDefinition;
import dev.nemotron4j.eval.target.ChatMessage;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.ReasoningSplit;

import java.util.ArrayList;
import java.util.List;

/** Runs one sample end to end: build the request, send it through the chain, extract, score. */
public final class SampleExecutor {
    private final InterceptorChain chain;
    private final ReasoningInterceptor reasoning;
    private final long runSeed;
    private final PairwiseJudge judge;

    public SampleExecutor(InterceptorChain chain, ReasoningInterceptor reasoning, long runSeed) {
        this(chain, reasoning, runSeed, null);
    }

    /** @param judge the judge of pairwise-judged tasks (Arena-Hard), or null when the run has none */
    public SampleExecutor(InterceptorChain chain, ReasoningInterceptor reasoning, long runSeed, PairwiseJudge judge) {
        this.chain = chain;
        this.reasoning = reasoning;
        this.runSeed = runSeed;
        this.judge = judge;
    }

    public SampleRecord execute(TaskDefinition task, EvalItem item, int repeat) {
        SampleKey key = new SampleKey(task.name(), item.id(), repeat);
        long seed = SampleSeeds.seed(runSeed, key);
        if (task.family().equals("gpqa")) item = ChoiceShuffle.forSample(item, runSeed, key);
        if (SciCodeSteps.isSequential(item)) return stepByStep(task, item, key, seed);
        List<ChatMessage> messages = task.prompt().render(item, task.choicesField());
        return task.loglikelihood()
                ? byLoglikelihood(task, item, key, seed, messages)
                : byGeneration(task, item, key, seed, messages);
    }

    private SampleRecord byGeneration(TaskDefinition task, EvalItem item, SampleKey key, long seed, List<ChatMessage> messages) {
        GenerationConfig g = task.generation();
        GenerationRequest request = new GenerationRequest(messages, null, g.temperature(), g.topP(), g.topK(),
                g.maxTokens(), seed, g.reasoning(), g.reasoningBudget(), tools(task, item), Boolean.TRUE.equals(g.logprobs()),
                null, null);
        GenerationResult result = chain.execute(new Call(request, key));
        if (task.family().equals(TaskFactory.ARENA_HARD)) return judged(task, item, key, seed, messages, result);
        return scored(task, item, key, seed, CanonicalJson.tree(messages), List.of(StoredResponse.of(result)), result.split());
    }

    /**
     * A SciCode problem asked as SciCode asks it: step after step, each prompt showing the code the model wrote for the
     * earlier steps (the steps SciCode fills in itself show their given code and are not asked). The record holds every
     * step's prompt and response; the extraction is the JSON list of each step's code, which the scorer runs.
     */
    private SampleRecord stepByStep(TaskDefinition task, EvalItem item, SampleKey key, long seed) {
        GenerationConfig g = task.generation();
        List<String> code = new ArrayList<>();
        com.fasterxml.jackson.databind.node.ArrayNode prompts = JsonNodeFactory.instance.arrayNode();
        List<StoredResponse> responses = new ArrayList<>();
        List<ReasoningSplit> splits = new ArrayList<>();
        for (int s = 0; s < SciCodeSteps.count(item); s++) {
            String given = SciCodeSteps.prefilled(item, s);
            if (given != null) {
                code.add(given);
                continue;
            }
            List<ChatMessage> messages = task.prompt().render(SciCodeSteps.step(item, s, code), null);
            GenerationRequest request = new GenerationRequest(messages, null, g.temperature(), g.topP(), g.topK(),
                    g.maxTokens(), seed + s, g.reasoning(), g.reasoningBudget(), List.of(), Boolean.TRUE.equals(g.logprobs()), null, null);
            GenerationResult result = chain.execute(new Call(request, key));
            prompts.add(CanonicalJson.tree(messages));
            responses.add(StoredResponse.of(result));
            splits.add(result.split() != null ? result.split() : reasoning.split(result));
            code.add(stepCode(task, splits.getLast(), result));
        }
        return stepByStepRecord(task, item.id(), item.index(), key, seed, prompts, responses, splits, item.expected());
    }

    /** A step's code: the extracted block, else (as SciCode's generator does) the whole answer. */
    private static String stepCode(TaskDefinition task, ReasoningSplit split, GenerationResult result) {
        Extraction e = task.extractor().extract(new ModelAnswer(split.answer(), split.reasoning(), result.toolCalls()), 0);
        return e.found() ? e.value() : split.answer();
    }

    /** @param splits each response's answer and reasoning as the run read them, or null to read them again (rescoring) */
    private SampleRecord stepByStepRecord(TaskDefinition task, String itemId, int itemIndex, SampleKey key, long seed, JsonNode prompts,
                                          List<StoredResponse> responses, List<ReasoningSplit> splits, JsonNode expected) {
        JsonNode steps = expected.get("steps");
        com.fasterxml.jackson.databind.node.ArrayNode code = JsonNodeFactory.instance.arrayNode();
        StringBuilder answers = new StringBuilder();
        int r = 0;
        for (JsonNode step : steps) {
            if (step.hasNonNull("prefilled_code")) {
                code.addNull();
                continue;
            }
            if (r >= responses.size()) throw new IllegalStateException("sample " + key + " holds " + responses.size() + " responses for more steps");
            GenerationResult result = responses.get(r).toResult();
            ReasoningSplit split = splits != null ? splits.get(r) : reasoning.split(result);
            r++;
            code.add(stepCode(task, split, result));
            answers.append(answers.isEmpty() ? "" : "\n\n").append(split.answer());
        }
        Extraction extraction = new Extraction(CanonicalJson.canonical(code), "scicode_steps");
        Scored scored = task.scorer().judge(extraction, expected);
        return new SampleRecord(task.name(), itemId, itemIndex, key.repeat(), seed, prompts, responses, answers.toString(), "scicode_steps",
                extraction.value(), extraction.method(), expected, 0, scored.score(), scored.details());
    }

    /** Arena-Hard: the judge compares the answer (thinking removed) with the baseline's, in both orders. */
    private SampleRecord judged(TaskDefinition task, EvalItem item, SampleKey key, long seed, List<ChatMessage> messages,
                                GenerationResult result) {
        if (judge == null) throw new IllegalStateException("task " + task.name() + " is judged, but the run has no judge (judge.url, judge.model)");
        ReasoningSplit split = result.split() != null ? result.split() : reasoning.split(result);
        List<PairwiseJudge.Game> games = judge.judge(key, item.fields().path("category").asText(), item.fields().path("prompt").asText(),
                item.expected().asText(), split.answer());
        return verdictRecord(task, item.id(), item.index(), key, seed, CanonicalJson.tree(messages), List.of(StoredResponse.of(result)),
                split, item.expected(), games);
    }

    private static SampleRecord verdictRecord(TaskDefinition task, String itemId, int itemIndex, SampleKey key, long seed, JsonNode prompt,
                                              List<StoredResponse> responses, ReasoningSplit split, JsonNode expected,
                                              List<PairwiseJudge.Game> games) {
        Extraction extraction = PairwiseVerdictExtractor.of(games);
        Scored scored = task.scorer().judge(extraction, expected);
        ObjectNode details = scored.details() == null ? JsonNodeFactory.instance.objectNode() : ((ObjectNode) scored.details()).deepCopy();
        details.set("games", PairwiseJudge.toJson(games));   // the judgments themselves: rescoring re-reads them offline
        return new SampleRecord(task.name(), itemId, itemIndex, key.repeat(), seed, prompt, responses, split.answer(), split.source(),
                extraction.value(), extraction.method(), expected, 0, scored.score(), details);
    }

    /** Rebuilds extraction and score from stored responses (used by rescoring). */
    public SampleRecord rescore(TaskDefinition task, SampleRecord stored) {
        EvalItem item = new EvalItem(stored.itemId(), stored.itemIndex(), JsonNodeFactory.instance.objectNode(),
                stored.expected(), stored.choiceCount());
        if (task.loglikelihood()) {
            return pickBestChoice(task, item, stored.key(), stored.seed(), stored.prompt(), stored.responses());
        }
        if (stored.expected() != null && stored.expected().has("steps") && "scicode_steps".equals(stored.extractionMethod())) {
            return stepByStepRecord(task, stored.itemId(), stored.itemIndex(), stored.key(), stored.seed(), stored.prompt(), stored.responses(),
                    null, stored.expected());
        }
        if (task.family().equals(TaskFactory.ARENA_HARD)) {
            ReasoningSplit split = reasoning.split(stored.responses().getFirst().toResult());
            return verdictRecord(task, stored.itemId(), stored.itemIndex(), stored.key(), stored.seed(), stored.prompt(), stored.responses(),
                    split, stored.expected(), PairwiseJudge.reparsed(stored.details().path("games")));
        }
        return scored(task, item, stored.key(), stored.seed(), stored.prompt(), stored.responses(), null);
    }

    private SampleRecord scored(TaskDefinition task, EvalItem item, SampleKey key, long seed, JsonNode prompt,
                                List<StoredResponse> responses, ReasoningSplit split) {
        GenerationResult result = responses.getFirst().toResult();
        if (split == null) split = reasoning.split(result);
        ModelAnswer answer = new ModelAnswer(split.answer(), split.reasoning(), result.toolCalls());
        Extraction extraction = task.extractor().extract(answer, item.choiceCount());
        Scored scored = task.scorer().judge(extraction, item.expected());
        return new SampleRecord(task.name(), item.id(), item.index(), key.repeat(), seed, prompt, responses,
                split.answer(), split.source(), extraction.value(), extraction.method(), item.expected(), item.choiceCount(),
                scored.score(), scored.details());
    }

    /**
     * Multiple choice by log-likelihood: score each option's continuation (" A", " B", ... or the option's text) after
     * the context (few-shot examples, then the question) and pick the most likely, or with acc_norm the most likely per
     * character of the continuation.
     */
    private SampleRecord byLoglikelihood(TaskDefinition task, EvalItem item, SampleKey key, long seed, List<ChatMessage> messages) {
        GenerationConfig g = task.generation();
        String context = task.scoringSpec().context(task, item);
        List<StoredResponse> responses = new ArrayList<>();
        for (int i = 0; i < item.choiceCount(); i++) {
            String continuation = task.scoringSpec().continuation(task, item, i);
            GenerationRequest request = new GenerationRequest(null, context, 0.0, 1.0, 0, 0, seed, g.reasoning(), null,
                    null, true, continuation, null);
            responses.add(StoredResponse.of(chain.execute(new Call(request, key)), continuation));
        }
        return pickBestChoice(task, item, key, seed, JsonNodeFactory.instance.textNode(context), responses);
    }

    private static SampleRecord pickBestChoice(TaskDefinition task, EvalItem item, SampleKey key, long seed, JsonNode prompt,
                                               List<StoredResponse> responses) {
        boolean normalize = task.scoringSpec() != null && task.scoringSpec().normalize();
        int best = -1;
        double bestScore = 0;
        for (int i = 0; i < responses.size(); i++) {
            Double lp = responses.get(i).continuationLogprob();
            if (lp == null) throw new IllegalStateException("target returned no log-likelihood for choice " + i);
            double score = lp;
            if (normalize) {
                String c = responses.get(i).continuation();
                if (c == null) throw new IllegalStateException("acc_norm needs the scored continuations, which this run did not store");
                score = lp / Math.max(1, c.length());
            }
            if (best < 0 || score > bestScore) {   // ties: first option
                best = i;
                bestScore = score;
            }
        }
        String letter = best < 0 ? null : String.valueOf((char) ('A' + best));
        Extraction extraction = new Extraction(letter, normalize ? "loglikelihood_norm" : "loglikelihood");
        double score = task.scorer().score(extraction, item.expected());
        return new SampleRecord(task.name(), item.id(), item.index(), key.repeat(), seed, prompt, responses,
                letter == null ? "" : letter, "loglikelihood", letter, "loglikelihood", item.expected(), item.choiceCount(), score, null);
    }

    /** Tool definitions of an item in OpenAI form (BFCL-style bare function specs are wrapped). */
    private static List<JsonNode> tools(TaskDefinition task, EvalItem item) {
        if (task.toolsField() == null) return List.of();
        JsonNode defs = item.fields().get(task.toolsField());
        if (defs == null) return List.of();
        List<JsonNode> tools = new ArrayList<>();
        for (JsonNode def : defs.isArray() ? defs : JsonNodeFactory.instance.arrayNode().add(defs)) {
            if (def.has("type") && def.has("function")) {
                tools.add(def);
            } else {
                ObjectNode wrapped = JsonNodeFactory.instance.objectNode().put("type", "function");
                wrapped.set("function", def);
                tools.add(wrapped);
            }
        }
        return tools;
    }
}
