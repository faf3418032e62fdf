package dev.nemotron4j.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.analysis.Rescorer;
import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.judge.ArenaHardPrompts;
import dev.nemotron4j.eval.judge.Verdict;
import dev.nemotron4j.eval.stats.TaskMetrics;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.Target;
import dev.nemotron4j.eval.target.TargetIdentity;
import dev.nemotron4j.eval.testing.ScriptedJudgeServer;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static dev.nemotron4j.eval.testing.RunFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Arena-Hard-style pairwise judging (#18 item 2) against a judge that is a real HTTP endpoint answering fixed verdict
 * texts ({@link ScriptedJudgeServer}): each question judged in both orders, every label read, Arena-Hard's win rate,
 * unparseable judgments retried once and then reported, judge calls cached (a second run calls the judge zero times),
 * kill + resume, and the judge settings in the fingerprint.
 */
public class ArenaHardJudgeTest {
    @TempDir Path dir;
    private ScriptedJudgeServer judge;

    /** Six hand-made questions; the baselines' answers start "BASELINE", the model's "MODEL". */
    private static final String SAMPLE = """
            {"uid": "q1", "category": "hard_prompt", "prompt": "Write a haiku about rain.", "baseline": "BASELINE: rain falls"}
            {"uid": "q2", "category": "creative_writing", "prompt": "Explain TCP vs UDP.", "baseline": "BASELINE: TCP is reliable"}
            {"uid": "q3", "category": "hard_prompt", "prompt": "Name three prime numbers.", "baseline": "BASELINE: 2, 3, 5"}
            {"uid": "q4", "category": "coding", "prompt": "Summarise Hamlet in one line.", "baseline": "BASELINE: a prince hesitates"}
            {"uid": "q5", "category": "math", "prompt": "Give a synonym for happy.", "baseline": "BASELINE: glad"}
            {"uid": "q6", "category": "hard_prompt", "prompt": "Translate 'cat' to French.", "baseline": "BASELINE: chat"}
            """;

    /**
     * The judge's verdicts, in its own A/B terms: q1 the model much better (strong labels, lower case once); q2 a tie;
     * q3 the baseline slightly better; q4 a judge that always prefers A (position bias, cancelled by the two orders);
     * q5 unparseable at first in the baseline-first game, then the model better; q6 never a usable label when the model
     * is A (an unknown label, then none): that game has no verdict and the question is unscored.
     */
    static String verdict(String question, boolean modelIsA, int askedBefore) {
        String because = "Both answers were read carefully. ";
        return switch (question) {
            case "Write a haiku about rain." -> because + (modelIsA ? "My final verdict is: [[a>>b]]" : "My final verdict is: [[B>>A]]");
            case "Explain TCP vs UDP." -> because + "My final verdict is tie: [[A=B]]";
            case "Name three prime numbers." -> because + (modelIsA ? "[[B>A]]" : "[[A>B]]");
            case "Summarise Hamlet in one line." -> because + "Assistant A is slightly better: [[A>B]]";
            case "Give a synonym for happy." -> !modelIsA && askedBefore == 0 ? "They are about equal, I cannot decide."
                    : because + "Earlier I thought [[A>B]], but in the end: [[" + (modelIsA ? "A>B" : "B>A") + "]]";
            case "Translate 'cat' to French." -> !modelIsA ? because + "[[A=B]]" : askedBefore == 0 ? "My verdict: [[C]]" : "Both fine.";
            default -> throw new IllegalStateException("unexpected question " + question);
        };
    }

    /** The model under test: answers every question with "MODEL: " and the question. */
    static final class Model implements Target {
        @Override
        public GenerationResult generate(GenerationRequest r) {
            return GenerationResult.ofText("<think>Consider the request.</think>MODEL: my answer to " + r.promptText(), "stop");
        }

        @Override
        public TargetIdentity identity() { return new TargetIdentity("in-process", Map.of("engine", "model")); }
    }

    @BeforeEach
    void start() throws Exception {
        judge = new ScriptedJudgeServer(ArenaHardJudgeTest::verdict);
        TestDatasets.write(dir.resolve("arena.jsonl"), SAMPLE);
    }

    @AfterEach
    void stop() { judge.close(); }

    private Path config(String name, String judgeModel, String extra) {
        return TestDatasets.write(dir.resolve(name + ".yaml"), """
                target: {model: unused}
                run: {seed: 3, parallelism: 1}
                judge: {url: "%s", model: %s, api_key_env: null, cache_dir: "%s"}
                interceptors:
                  progress: {enabled: false}
                  retry: {max_attempts: 1, initial_backoff_ms: 1, max_backoff_ms: 2}
                tasks:
                  - {name: arena_hard, dataset: arena.jsonl}
                %s""".formatted(judge.baseUrl(), judgeModel, dir.resolve("judge-cache"), extra));
    }

    private RunResults run(Path out, String judgeModel) {
        return new EvalRunner(QUIET).run(ConfigLoader.load(config(out.getFileName().toString(), judgeModel, ""), List.of()), out, new Model())
                .results();
    }

    @Test
    void eachQuestionIsJudgedInBothOrdersAndScoredAsArenaHardDoes() {
        RunResults r = run(dir.resolve("a"), "judge-1");
        assertThat(judge.answered()).isEqualTo(14);   // 2 per question, + 1 retry for q5, + 2 attempts of q6's second game
        // pairing: every question shown twice, once with the baseline as A and once with the model's answer as A
        Set<String> orders = new HashSet<>();
        for (JsonNode body : judge.bodies()) {
            assertThat(body.path("model").asText()).isEqualTo("judge-1");
            assertThat(body.path("temperature").asDouble()).isEqualTo(0.0);
            assertThat(body.path("max_tokens").asInt()).isEqualTo(16000);
            String system = body.path("messages").get(0).path("content").asText();
            String user = body.path("messages").get(1).path("content").asText();
            String question = user.substring("<|User Prompt|>\n".length(), user.indexOf("\n\n<|The Start"));
            boolean modelIsA = user.contains("<|The Start of Assistant A's Answer|>\nMODEL: my answer to " + question + "\n<|The End of Assistant A");
            boolean baselineIsA = user.contains("<|The Start of Assistant A's Answer|>\nBASELINE");
            assertThat(modelIsA ^ baselineIsA).as(user).isTrue();
            assertThat(user).doesNotContain("<think>").doesNotContain("Consider the request");   // the answer without its thinking
            orders.add(question + "|" + modelIsA);
            // the creative-writing prompt does not ask the judge to answer first; the others do
            assertThat(system.contains("Begin your evaluation by generating your own answer")).isEqualTo(!question.equals("Explain TCP vs UDP."));
            assertThat(system).endsWith("Example output: \"My final verdict is tie: [[A=B]]\".");
        }
        assertThat(orders).hasSize(12);

        List<SampleRecord> samples = RunOutputs.readSamples(dir.resolve("a"));
        Map<String, SampleRecord> byId = new java.util.HashMap<>();
        samples.forEach(s -> byId.put(s.itemId(), s));
        assertThat(byId.get("q1").extracted()).isEqualTo("B>>A,A>>B");
        assertThat(byId.get("q1").details().path("battles")).hasSize(6);
        assertThat(byId.get("q1").score()).isEqualTo(1.0);
        assertThat(byId.get("q2").extracted()).isEqualTo("A=B,A=B");
        assertThat(byId.get("q2").score()).isEqualTo(0.5);
        assertThat(byId.get("q3").extracted()).isEqualTo("A>B,B>A");
        assertThat(byId.get("q3").score()).isEqualTo(0.0);
        assertThat(byId.get("q4").extracted()).isEqualTo("A>B,A>B");   // A always: one loss, one win
        assertThat(byId.get("q4").score()).isEqualTo(0.5);
        assertThat(byId.get("q5").extracted()).isEqualTo("B>A,A>B");   // the last label of the retried judgment
        assertThat(byId.get("q5").details().path("games").get(0).path("attempts")).hasSize(2);
        assertThat(byId.get("q5").details().path("games").get(0).path("attempts").get(0).path("label").isNull()).isTrue();
        assertThat(byId.get("q5").score()).isEqualTo(1.0);
        // q6: its second game has no verdict after the retry: recorded, reported, not scored
        SampleRecord q6 = byId.get("q6");
        assertThat(q6.extracted()).isNull();
        assertThat(q6.extractionMethod()).isEqualTo("judge_missing");
        assertThat(q6.details().path("unscored").asBoolean()).isTrue();
        assertThat(q6.details().path("games").get(1).path("attempts")).hasSize(2);
        assertThat(q6.details().path("games").get(1).path("attempts").get(0).path("judgment").asText()).isEqualTo("My verdict: [[C]]");

        TaskMetrics m = r.tasks().get("arena_hard");
        assertThat(m.mean().mean()).isCloseTo((1 + 0.5 + 0 + 0.5 + 1) / 5.0, within(1e-12));   // q6 left out, not a 0
        assertThat(m.extractionMisses()).isEqualTo(1);
        Map<String, Double> b = m.breakdown();
        assertThat(b.get("battles")).isEqualTo(14.0);                         // 6 + 2 + 2 + 2 + 2
        assertThat(b.get("win_rate")).isCloseTo(10.0 / 14, within(1e-12));   // 6 + 1 + 0 + 1 + 2 wins
        assertThat(b.get("win_rate_ci95_low")).isLessThan(b.get("win_rate"));
        assertThat(b.get("win_rate_ci95_high")).isGreaterThan(b.get("win_rate")).isLessThanOrEqualTo(1.0);
        assertThat(b.get("scored_samples")).isEqualTo(5.0);
        assertThat(b.get("unscored_samples")).isEqualTo(1.0);
        assertThat(b.get("missing_verdicts")).isEqualTo(1.0);
        assertThat(b.get("retried_judgments")).isEqualTo(2.0);

        // rescoring re-reads the stored judgments, never the judge: same samples, same results
        String before = read(dir.resolve("a/samples.jsonl"));
        Rescorer.rescore(dir.resolve("a"), List.of());
        assertThat(read(dir.resolve("a/samples.jsonl"))).isEqualTo(before);
        assertThat(judge.answered()).isEqualTo(14);
    }

    @Test
    void aSecondRunFindsEveryJudgmentInTheCacheAndCallsTheJudgeZeroTimes() {
        RunResults first = run(dir.resolve("a"), "judge-1");
        int calls = judge.answered();
        RunResults second = run(dir.resolve("b"), "judge-1");
        assertThat(judge.answered()).isEqualTo(calls);
        assertThat(read(dir.resolve("b/samples.jsonl"))).isEqualTo(read(dir.resolve("a/samples.jsonl")));
        assertThat(second.samplesDigest()).isEqualTo(first.samplesDigest());
        // compared, the unscored question is left out of the pairs (not a 0 on both sides) and reported
        var comparison = dev.nemotron4j.eval.analysis.RunComparison.compare(dir.resolve("a"), dir.resolve("b"));
        assertThat(comparison.tasks().get("arena_hard").pairs()).isEqualTo(5);
        assertThat(comparison.unscored()).isEqualTo(1);
        // another judge model is another cache key: asked afresh
        run(dir.resolve("c"), "judge-2");
        assertThat(judge.answered()).isEqualTo(2 * calls);
    }

    @Test
    void aRunStoppedByJudgeFailuresResumesWithoutAskingAnyJudgmentTwice() {
        run(dir.resolve("whole"), "judge-1");
        String whole = read(dir.resolve("whole/samples.jsonl"));
        ScriptedJudgeServer fresh;
        judge.close();
        try {
            fresh = new ScriptedJudgeServer(ArenaHardJudgeTest::verdict);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        judge = fresh;
        // a new cache dir so the interrupted run asks everything itself
        Path cfg = TestDatasets.write(dir.resolve("cut.yaml"), read(config("x", "judge-1", "")).replace(dir.resolve("judge-cache").toString(),
                dir.resolve("cut-cache").toString()));
        judge.refuseAfter(5);   // q1, q2 and the first game of q3, then the judge is down
        assertThatThrownBy(() -> new EvalRunner(QUIET).run(ConfigLoader.load(cfg, List.of()), dir.resolve("cut"), new Model()))
                .isInstanceOf(EvalRunner.SampleFailedException.class);
        assertThat(Journal.read(dir.resolve("cut/journal.jsonl"))).hasSize(2);
        judge.heal();
        new EvalRunner(QUIET).resume(dir.resolve("cut"), new Model());
        assertThat(judge.answered()).isEqualTo(14);   // the cached first game of q3 was not asked again
        assertThat(read(dir.resolve("cut/samples.jsonl"))).isEqualTo(whole);
    }

    @Test
    void theFingerprintRecordsTheJudgeButNotItsKeyOrCache() throws Exception {
        run(dir.resolve("a"), "judge-1");
        JsonNode inputs = RunLock.read(dir.resolve("a")).inputs();
        JsonNode j = inputs.path("config").path("judge");
        assertThat(j.path("url").asText()).isEqualTo(judge.baseUrl());
        assertThat(j.path("model").asText()).isEqualTo("judge-1");
        assertThat(j.path("temperature").asDouble()).isEqualTo(0.0);
        assertThat(j.path("max_tokens").asInt()).isEqualTo(16000);
        assertThat(j.has("api_key_env")).isFalse();
        assertThat(j.has("cache_dir")).isFalse();
        assertThat(inputs.path("tasks").path("arena_hard").path("judge_prompts_sha256").asText()).isEqualTo(ArenaHardPrompts.sha256());
        assertThat(inputs.path("tasks").path("arena_hard").path("scorer").asText()).isEqualTo("arena_hard_verdicts@1");
        // another judge model is another run: the directory refuses it and names the difference
        assertThatThrownBy(() -> run(dir.resolve("a"), "judge-2"))
                .hasMessageContaining("different inputs").hasMessageContaining("judge").hasMessageContaining("judge-2");
        // a run without judged tasks has no judge among its inputs
        TestDatasets.write(dir.resolve("aime.jsonl"), "{\"problem\": \"1+1?\", \"answer\": 2}\n");
        Path plain = TestDatasets.write(dir.resolve("plain.yaml"), """
                target: {model: unused}
                interceptors: {progress: {enabled: false}}
                tasks: [{name: aime, dataset: aime.jsonl}]
                """);
        new EvalRunner(QUIET).run(ConfigLoader.load(plain, List.of("judge.model=someone")), dir.resolve("p"), new Model());
        assertThat(RunLock.read(dir.resolve("p")).inputs().path("config").has("judge")).isFalse();
    }

    @Test
    void aJudgedTaskWithoutAJudgeIsRefusedBeforeAnythingIsWritten() {
        Path cfg = TestDatasets.write(dir.resolve("nojudge.yaml"), """
                target: {model: unused}
                interceptors: {progress: {enabled: false}}
                tasks: [{name: arena_hard, dataset: arena.jsonl}]
                """);
        assertThatThrownBy(() -> new EvalRunner(QUIET).run(ConfigLoader.load(cfg, List.of()), dir.resolve("n"), new Model()))
                .hasMessageContaining("judge.url and judge.model");
        assertThat(Files.exists(dir.resolve("n/lock.json"))).isFalse();
        assertThat(judge.answered()).isZero();
    }

    @Test
    void aCategoryParamKeepsThatCategorysRows() {
        Path cfg = TestDatasets.write(dir.resolve("cw.yaml"), read(config("y", "judge-1", "")).replace("{name: arena_hard, dataset: arena.jsonl}",
                "{name: arena_hard_cw, type: arena_hard, dataset: arena.jsonl, params: {category: creative_writing}}"));
        RunResults r = new EvalRunner(QUIET).run(ConfigLoader.load(cfg, List.of()), dir.resolve("cw"), new Model()).results();
        assertThat(r.tasks().get("arena_hard_cw").items()).isEqualTo(1);
        assertThat(judge.answered()).isEqualTo(2);
    }

    @Test
    void everyLabelIsReadAsArenaHardReadsIt() {
        assertThat(Verdict.parse("My final verdict is: [[A>>B]]").orElseThrow().scoresForA()).containsExactly(1.0, 1.0, 1.0);
        assertThat(Verdict.parse("[[A>B]]").orElseThrow().scoresForA()).containsExactly(1.0);
        assertThat(Verdict.parse("tie: [[A=B]]").orElseThrow().scoresForA()).containsExactly(0.5);
        assertThat(Verdict.parse("[[B>A]]").orElseThrow().scoresForA()).containsExactly(0.0);
        assertThat(Verdict.parse("[[B>>A]]").orElseThrow().scoresForA()).containsExactly(0.0, 0.0, 0.0);
        assertThat(Verdict.parse("[[B>>A]]").orElseThrow().scoresForB()).containsExactly(1.0, 1.0, 1.0);
        // mirrored spellings, lower case, the last label of a text
        assertThat(Verdict.parse("[[B<<A]]").orElseThrow().scoresForA()).containsExactly(1.0, 1.0, 1.0);
        assertThat(Verdict.parse("[[A<B]]").orElseThrow().scoresForA()).containsExactly(0.0);
        assertThat(Verdict.parse("[[B=A]]").orElseThrow().scoresForA()).containsExactly(0.5);
        assertThat(Verdict.parse("first [[A>B]] then [[b>>a]]").orElseThrow().label()).isEqualTo("B>>A");
        // the pattern sees only A, B, <, > and =: [[C]] is no label at all, so the [[A>B]] before it counts
        assertThat(Verdict.parse("[[A>B]] ... no, [[C]]").orElseThrow().label()).isEqualTo("A>B");
        // no label, or a last label Arena-Hard does not score: unparseable
        assertThat(Verdict.parse("A is better.")).isEmpty();
        assertThat(Verdict.parse("[[A>B]] ... no, [[AB]]")).isEmpty();
        assertThat(Verdict.parse("[[A>>>B]]")).isEmpty();
        assertThat(Verdict.parse("[[A>B>C]]")).isEmpty();
        assertThat(Verdict.parse(null)).isEmpty();
    }
}
