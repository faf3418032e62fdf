package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.chat.budget.ThinkingBudget;
import dev.nemotron4j.chat.output.JsonObjectGrammar;
import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.engine.generation.GenerationStats;
import dev.nemotron4j.testkit.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #17 item 4: the text work (decoding, stop strings, output parsing) runs off the scheduler thread, and
 * everything a sink hears is the same as when it runs on it: tokens, texts, logprobs, events, the result (text, parse,
 * finish reasons, counts). The sink here is slow, so the text side lags the scheduler: the scheduler generates past a
 * stop string before it learns of it, and the reasoning budget must wait for the parser.
 */
class TextOffSchedulerTest {
    static ModelBundle bundle;

    @BeforeAll
    static void open() {
        bundle = ModelBundle.open(TestData.tiny("tiny-a"));
    }

    @AfterAll
    static void close() {
        bundle.close();
    }

    /** Everything a sink hears, slowly (the first token very slowly, so the text side lags by many tokens). */
    static class Recorder implements TextSink {
        final long delayNanos;
        boolean first = true;
        final List<String> heard = new ArrayList<>();
        final CompletableFuture<TextResult> result = new CompletableFuture<>();

        Recorder(long delayNanos) {
            this.delayNanos = delayNanos;
        }

        @Override
        public void onEvent(OutputEvent event) {
            heard.add("event " + event);
        }

        @Override
        public void onToken(int token, String text, ScoredToken lp) {
            if (delayNanos > 0) java.util.concurrent.locks.LockSupport.parkNanos(first ? 100 * delayNanos : delayNanos);
            first = false;
            heard.add("token " + token + " " + text + (lp == null ? "" : " " + lp));
        }

        @Override
        public void onFinish(TextResult r) {
            result.complete(r);
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }
    }

    record Run(List<String> heard, TextResult result, GenerationStats engine) {
    }

    /** The jobs, each run alone on a fresh service with the text work inline or off the scheduler thread. */
    static List<Run> runAll(boolean offScheduler, List<Function<TextService, TextJob>> jobs) throws Exception {
        List<Run> runs = new ArrayList<>();
        try (TextService service = new TextService(bundle, TextService.defaultOptions(bundle), 0, offScheduler)) {
            for (var job : jobs) {
                Recorder r = new Recorder(offScheduler ? 3_000_000 : 0);
                var handle = service.submit(job.apply(service), r);
                TextResult result = r.result.get(120, TimeUnit.SECONDS);
                runs.add(new Run(r.heard, result, handle.engineCompletion().get(10, TimeUnit.SECONDS)));
            }
        }
        return runs;
    }

    static ChatRequest chat(String text, boolean thinking) {
        return chat(text, thinking, List.of());
    }

    static ChatRequest chat(String text, boolean thinking, List<ToolDefinition> tools) {
        return new ChatRequest(List.of(ChatMessage.user(text)), tools, ChatRequestOptions.DEFAULTS.withEnableThinking(thinking));
    }

    @Test
    void whatTheSinkHearsIsTheSameAsWithTheTextOnTheSchedulerThread() throws Exception {
        // a stop string from the middle of a greedy answer, so that it completes (off the scheduler: late)
        String free;
        try (TextService s = new TextService(bundle, TextService.defaultOptions(bundle), 0, false)) {
            free = s.run(s.chatJob(chat("Tell me a story", false), GenerationSettings.of(Sampling.GREEDY, 40))).rawText();
        }
        String stop = free.substring(free.length() / 2, free.length() / 2 + 3);
        int toolCall = bundle.tokenizer().tokenToId("<tool_call>").orElseThrow();
        Sampling towardToolCall = new Sampling(0f, 0, 1f, 0f, 1f, 0f, 0f, Map.of(toolCall, 30f), 0L);
        List<ToolDefinition> tools = List.of(ToolDefinition.function("get_weather", null, null)); // so the parser reads calls
        List<Function<TextService, TextJob>> jobs = List.of(
                s -> s.chatJob(chat("Why is the sky blue?", true), GenerationSettings.of(Sampling.GREEDY, 40).withTopLogprobs(3)),
                s -> s.chatJob(chat("Tell me a story", false), GenerationSettings.of(Sampling.GREEDY, 40).withStopStrings(List.of(stop))),
                s -> s.chatJob(chat("Pick one", true), GenerationSettings.of(new Sampling(1f, 40, 0.9f, 0f, 1f, 0f, 0f, Map.of(), 7L), 30)),
                // the budget counts while the model opens tool calls inside its reasoning: the parser ends the
                // reasoning there, so the budget must not force its ending (it waits for the text side to know)
                s -> s.chatJob(chat("Weather?", true, tools), GenerationSettings.of(towardToolCall, 24).withBudget(new ThinkingBudget(3, 2))),
                // and without those tool calls, the budget forces its ending
                s -> s.chatJob(chat("Weather?", true, tools), GenerationSettings.of(Sampling.GREEDY, 24).withBudget(new ThinkingBudget(3, 2))),
                s -> s.chatJob(chat("JSON please", false), GenerationSettings.of(Sampling.GREEDY, 30))
                        .with(GenerationSettings.of(Sampling.GREEDY, 30), new JsonObjectGrammar(false)));
        List<Run> inline = runAll(false, jobs), off = runAll(true, jobs);
        for (int i = 0; i < jobs.size(); i++) {
            Run a = inline.get(i), b = off.get(i);
            assertThat(b.heard).as("job %d", i).containsExactlyElementsOf(a.heard);
            TextResult x = a.result, y = b.result;
            assertThat(y.rawText()).as("job %d", i).isEqualTo(x.rawText());
            assertThat(y.parsed()).as("job %d", i).isEqualTo(x.parsed());
            assertThat(y.finishReason()).as("job %d", i).isEqualTo(x.finishReason());
            assertThat(y.ending()).as("job %d", i).isEqualTo(x.ending());
            assertThat(y.completionTokens()).as("job %d", i).isEqualTo(x.completionTokens());
            assertThat(y.reasoningTokens()).as("job %d", i).isEqualTo(x.reasoningTokens());
            assertThat(y.cachedTokens()).as("job %d", i).isEqualTo(x.cachedTokens());
            // the model's own count agrees with the result's wherever the text side did not cut the generation
            if (y.ending() != TextResult.Ending.STOPPED) assertThat(b.engine.generatedTokens()).as("job %d", i).isEqualTo(y.completionTokens());
        }
        // the stop string completed, and the slow text side learned of it only after more tokens were generated
        Run stopped = off.get(1);
        assertThat(stopped.result.ending()).isEqualTo(TextResult.Ending.STOPPED);
        assertThat(stopped.result.rawText()).doesNotContain(stop);
        assertThat(stopped.engine.generatedTokens()).as("tokens the scheduler generated").isGreaterThan(stopped.result.completionTokens());
        // the budget job whose reasoning ended at a tool call got no forced ending; the other one did
        assertThat(inline.get(3).result.rawText()).startsWith("<tool_call>").doesNotContain("</think>");
        assertThat(inline.get(4).result.rawText()).contains("</think>");
    }
    /**
     * A cancel that comes when the model is done but its text is still on the way to the sink stops the text too: the
     * sink hears no further token, and the result ends there (cancelled, counted to the last token heard).
     */
    @Test
    void cancelAfterTheModelIsDoneStopsTheTextSide() throws Exception {
        try (TextService service = new TextService(bundle, TextService.defaultOptions(bundle), 0, true)) {
            CompletableFuture<TextGeneration> started = new CompletableFuture<>();
            CompletableFuture<Integer> generated = new CompletableFuture<>();
            Recorder r = new Recorder(0) {
                @Override
                public void onToken(int token, String text, ScoredToken lp) {
                    if (first) {
                        // the first token waits until the model has generated all of them, then the job is cancelled
                        TextGeneration g = started.join();
                        generated.complete(g.generated().join());
                        g.cancel();
                    }
                    super.onToken(token, text, lp);
                }
            };
            // fewer tokens than the hand-over ring holds, so the model finishes while the text side waits
            TextJob job = service.chatJob(chat("Tell me a story", false), GenerationSettings.of(Sampling.GREEDY, 40)
                    .withIgnoreEos(true));
            started.complete(service.submit(job, r));
            TextResult result = r.result.get(120, TimeUnit.SECONDS);
            assertThat(generated.get()).as("tokens the model generated").isEqualTo(40);
            assertThat(r.heard.stream().filter(h -> h.startsWith("token ")).count()).as("tokens the sink heard").isEqualTo(1);
            assertThat(result.cancelled()).isTrue();
            assertThat(result.ending()).isEqualTo(TextResult.Ending.CANCELLED);
            assertThat(result.completionTokens()).isEqualTo(1);
            assertThat(result.decodeTokensPerSecond()).as("one token: no decode speed").isZero();
        }
    }
}
