package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.chat.budget.ThinkingBudget;
import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.engine.sampling.SamplingParams;
import dev.nemotron4j.testkit.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Text-level generation on a tiny model: chat rendering, stop handling, parsing, and the reasoning budget. */
class TextServiceTest {

    static ModelBundle bundle;
    static TextService service;

    @BeforeAll
    static void open() {
        bundle = ModelBundle.open(TestData.tiny("tiny-a"));
        service = new TextService(bundle, TextService.defaultOptions(bundle));
    }

    @AfterAll
    static void close() {
        service.close();
        bundle.close();
    }

    /** Records everything a sink hears. */
    static final class Recorder implements TextSink {
        final List<Integer> tokens = new ArrayList<>();
        final List<String> texts = new ArrayList<>();
        final List<OutputEvent> events = new ArrayList<>();
        final CompletableFuture<TextResult> result = new CompletableFuture<>();

        @Override
        public void onEvent(OutputEvent event) {
            events.add(event);
        }

        @Override
        public void onToken(int token, String text, ScoredToken logprobs) {
            tokens.add(token);
            texts.add(text);
        }

        @Override
        public void onFinish(TextResult r) {
            result.complete(r);
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        TextResult await() throws Exception {
            return result.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void stopIdsComeFromTheModelFiles() {
        assertThat(bundle.stopTokenIds()).containsExactlyInAnyOrder(2, 11); // generation_config.json: [2, 11]
        assertThat(bundle.thinkingTokens().thinkEndings()).containsExactly(List.of(13));
        assertThat(bundle.name()).isEqualTo("tiny-a");
    }

    @Test
    void aGgufFileIsAModelBundleToo() throws Exception {
        Path gguf = TestData.path("tiny-gguf/tiny-d/q8_0.gguf");
        ChatRequest req = new ChatRequest(List.of(ChatMessage.user("Hello there")), List.of(), ChatRequestOptions.DEFAULTS);
        try (ModelBundle g = ModelBundle.open(gguf); TextService gs = new TextService(g, TextService.defaultOptions(g));
             ModelBundle h = ModelBundle.open(TestData.tiny("tiny-d"))) {
            assertThat(g.stopTokenIds()).contains(11); // the chat format's turn end, found in the GGUF vocabulary
            assertThat(g.name()).as("general.name, not the file's type suffix").isEqualTo("tiny-d");
            TextJob job = gs.chatJob(req, new GenerationSettings(Sampling.GREEDY, 12, List.of(), java.util.Set.of(), true, null, null, -1, null));
            // tokenizer and template from the GGUF metadata give the same prompt as the HF files
            assertThat(job.promptIds()).containsExactly(h.encodePrompt(h.renderPrompt(req)));
            // and the text equals a plain greedy run of the same weights
            var model = g.model();
            int[] ids = new dev.nemotron4j.engine.generation.TokenGenerator(model).generate(model.newState(), job.promptIds(), 12,
                    new dev.nemotron4j.engine.sampling.Sampler(SamplingParams.GREEDY, model.vocabSize()), java.util.Set.of(), null).tokens();
            assertThat(gs.run(job).rawText()).isEqualTo(g.tokenizer().decode(ids, false));
        }
    }

    /** A GGUF model's name is its general.name; a file without one is named by its file name, less .gguf. */
    @Test
    void aGgufModelWithoutGeneralNameIsNamedByItsFileStem() {
        var gguf = (dev.nemotron4j.engine.loading.ModelSource.Gguf) dev.nemotron4j.engine.loading.ModelSource.of(TestData.path("tiny-gguf/tiny-d/q8_0.gguf"));
        assertThat(ModelBundle.ggufName(gguf, Map.of("general.name", " tiny-d "))).isEqualTo("tiny-d");
        assertThat(ModelBundle.ggufName(gguf, Map.of())).isEqualTo("q8_0");
        assertThat(ModelBundle.ggufName(gguf, Map.of("general.name", "  "))).isEqualTo("q8_0");
        assertThat(ModelBundle.ggufName(gguf, Map.of("general.name", 7))).isEqualTo("q8_0");
    }

    @Test
    void chatGenerationStreamsTheSameTextItReturns() throws Exception {
        ChatRequest req = new ChatRequest(List.of(ChatMessage.user("Hello there")), List.of(), ChatRequestOptions.DEFAULTS);
        TextJob job = service.chatJob(req, GenerationSettings.of(Sampling.GREEDY, 40));
        assertThat(bundle.tokenizer().decode(job.promptIds(), false)).endsWith("<|im_start|>assistant\n<think>\n");
        Recorder r = new Recorder();
        service.submit(job, r);
        TextResult res = r.await();
        int[] ids = r.tokens.stream().filter(t -> !bundle.stopTokenIds().contains(t)).mapToInt(Integer::intValue).toArray();
        assertThat(res.rawText()).isEqualTo(bundle.tokenizer().decode(ids, false));
        assertThat(res.rawText()).startsWith(String.join("", r.texts)); // the rest comes from the final flush
        assertThat(res.completionTokens()).isEqualTo(r.tokens.size());
        assertThat(res.promptTokens()).isEqualTo(job.promptIds().length);
        // reasoning on: until </think> everything is reasoning
        String reasoning = res.parsed().reasoning() == null ? "" : res.parsed().reasoning();
        String content = res.parsed().content() == null ? "" : res.parsed().content();
        if (!res.rawText().contains("</think>")) {
            assertThat(reasoning).isEqualTo(res.rawText());
            assertThat(res.reasoningTokens()).isEqualTo(res.completionTokens());
        } else {
            assertThat(reasoning + "</think>" + content).contains(reasoning);
        }
    }

    @Test
    void stopStringsCutTheOutputAcrossTokenBoundaries() throws Exception {
        int[] prompt = bundle.encodePrompt("The quick brown fox");
        TextResult free = service.run(service.rawJob(prompt, GenerationSettings.of(Sampling.GREEDY, 30)));
        String text = free.rawText();
        assertThat(text.length()).isGreaterThan(6);
        String stop = text.substring(3, 6); // three characters somewhere inside the output
        TextResult cut = service.run(service.rawJob(prompt, GenerationSettings.of(Sampling.GREEDY, 30).withStopStrings(List.of(stop))));
        assertThat(cut.rawText()).isEqualTo(text.substring(0, text.indexOf(stop)));
        assertThat(cut.finishReason()).isEqualTo("stop");
        TextResult length = service.run(service.rawJob(prompt, GenerationSettings.of(Sampling.GREEDY, 5)));
        assertThat(length.finishReason()).isEqualTo("length");
        assertThat(length.completionTokens()).isEqualTo(5);
        assertThat(length.ending()).isEqualTo(TextResult.Ending.LENGTH);
        assertThat(cut.ending()).isEqualTo(TextResult.Ending.STOPPED);
        assertThat(length.decodeTokensPerSecond()).isPositive();
    }

    @Test
    void anEndOfTurnTokenEndsTheTurnWithoutText() {
        int end = bundle.stopTokenIds().iterator().next();
        Sampling towardTheEnd = new Sampling(0f, 0, 1f, 0f, 1f, 0f, 0f, Map.of(end, 100f), 0L);
        TextResult r = service.run(service.rawJob(bundle.encodePrompt("The quick brown fox"), GenerationSettings.of(towardTheEnd, 30)));
        assertThat(r.ending()).isEqualTo(TextResult.Ending.END_OF_TURN);
        assertThat(r.finishReason()).isEqualTo("stop");
        assertThat(r.completionTokens()).isEqualTo(1);
        assertThat(r.rawText()).isEmpty();
        assertThat(r.timing().totalNanos()).isGreaterThanOrEqualTo(r.timing().firstTokenNanos()).isPositive();
    }

    /**
     * The budget, token by token: the constrained run equals the free run up to the first token at or after the
     * budget whose text contains a newline (or budget + grace), then the forced ending ids follow exactly.
     */
    @Test
    void reasoningBudgetForcesTheEndingTokenByToken() throws Exception {
        ChatRequest req = new ChatRequest(List.of(ChatMessage.user("Think about it")), List.of(), ChatRequestOptions.DEFAULTS);
        GenerationSettings base = new GenerationSettings(Sampling.GREEDY, 60, List.of(), java.util.Set.of(), true, null, null, -1, null);
        Recorder free = new Recorder();
        service.submit(service.chatJob(req, base), free);
        free.await();
        List<Integer> ending = bundle.thinkingTokens().forcedEnding();
        int forcedCases = 0;
        for (int budget : new int[] {1, 4, 10}) {
            for (int grace : new int[] {0, 3, 50}) {
                Recorder r = new Recorder();
                service.submit(service.chatJob(req, base.withBudget(new ThinkingBudget(budget, grace))), r);
                r.await();
                // where the free run would be cut
                int cut = -1;
                for (int n = 1; n <= free.tokens.size(); n++) {
                    if (free.tokens.subList(0, n).contains(13)) break; // the model closed reasoning itself
                    boolean newline = free.texts.get(n - 1).contains("\n");
                    if ((n >= budget && newline) || n >= budget + grace) {
                        cut = n;
                        break;
                    }
                }
                if (cut >= 60) continue; // cut at the token limit: nothing left to force
                if (cut < 0) {
                    assertThat(r.tokens).as("budget %d grace %d: no intervention", budget, grace).isEqualTo(free.tokens);
                    continue;
                }
                assertThat(r.tokens.subList(0, cut)).as("budget %d grace %d: free prefix", budget, grace).isEqualTo(free.tokens.subList(0, cut));
                // the forced ending continues any part of it the model already wrote
                int already = 0;
                for (int k = Math.min(ending.size(), cut); k > 0; k--) {
                    if (free.tokens.subList(cut - k, cut).equals(ending.subList(0, k))) {
                        already = k;
                        break;
                    }
                }
                List<Integer> forced = ending.subList(already, ending.size());
                assertThat(r.tokens.subList(cut, Math.min(r.tokens.size(), cut + forced.size())))
                        .as("budget %d grace %d: forced ending", budget, grace).isEqualTo(forced);
                forcedCases++;
            }
        }
        assertThat(forcedCases).as("cases where the ending was forced").isGreaterThanOrEqualTo(3);
    }

    @Test
    void manyConcurrentChatsEachGetTheirSoloOutput() throws Exception {
        List<ChatRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            reqs.add(new ChatRequest(List.of(ChatMessage.user("message number " + i)), List.of(),
                    ChatRequestOptions.DEFAULTS.withEnableThinking(i % 2 == 0)));
        }
        List<String> solo = new ArrayList<>();
        for (ChatRequest r : reqs) solo.add(service.run(service.chatJob(r, GenerationSettings.of(Sampling.GREEDY, 16))).rawText());
        List<Recorder> recs = new ArrayList<>();
        for (ChatRequest r : reqs) {
            Recorder rec = new Recorder();
            recs.add(rec);
            service.submit(service.chatJob(r, GenerationSettings.of(Sampling.GREEDY, 16)), rec);
        }
        for (int i = 0; i < reqs.size(); i++) assertThat(recs.get(i).await().rawText()).isEqualTo(solo.get(i));
    }
}
