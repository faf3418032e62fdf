package dev.nemotron4j.server.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestReader;
import dev.nemotron4j.chat.output.OutputParserOptions;
import dev.nemotron4j.chat.template.ChatTemplates;
import dev.nemotron4j.chat.template.SupportedChatTemplate;
import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.engine.generation.BatchScheduler;
import dev.nemotron4j.engine.sampling.SamplingParams;
import dev.nemotron4j.runtime.GenerationSettings;
import dev.nemotron4j.runtime.ModelBundle;
import dev.nemotron4j.runtime.TextJob;
import dev.nemotron4j.runtime.TextResult;
import dev.nemotron4j.runtime.TextService;
import dev.nemotron4j.runtime.TextSink;
import dev.nemotron4j.engine.generation.TokenLogprobs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Time to first token per turn over a multi-turn tool conversation, with and without the state cache (issue #17
 * item 1): a system prompt with tools, then each turn the assistant calls a tool (the call is written into the
 * history by this program, so that both runs hold the same conversation whatever the weights) and gets its result
 * back. Each turn generates one token: time to first token is the prefill. Prints a Markdown table: turn, prompt
 * tokens, cached tokens, TTFT without and with the cache. The two runs must give the same first token.
 * Usage: {@code StateCacheTtftBenchmark MODEL [TURNS] [CACHE_MIB] [TEMPLATE_DIR]}; a model without a chat template
 * (the bench GGUF files) is prompted with the template of {@code TEMPLATE_DIR} (default {@code testdata/tiny/tiny-a}).
 */
public final class StateCacheTtftBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Turn(int promptTokens, int cachedTokens, double ttftSeconds, String raw) {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int turns = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        long cacheMib = args.length > 2 ? Long.parseLong(args[2]) : 1024;
        SupportedChatTemplate template = ChatTemplates.forModelDirectory(Path.of(args.length > 3 ? args[3] : "testdata/tiny/tiny-a"));
        try (ModelBundle bundle = ModelBundle.open(model)) {
            BatchScheduler.Options options = new BatchScheduler.Options(4, 16, 256, 512, 16384);
            List<Turn> without, with;
            try (TextService service = new TextService(bundle, options, 0)) {
                conversation(service, template, 2); // warm-up: JIT
                without = conversation(service, template, turns);
            }
            try (TextService service = new TextService(bundle, options, cacheMib << 20)) {
                conversation(service, template, 2);
                with = conversation(service, template, turns);
            }
            System.out.println("| turn | prompt tokens | cached tokens | TTFT without cache (s) | TTFT with cache (s) | speed-up |");
            System.out.println("|---|---|---|---|---|---|");
            double sumA = 0, sumB = 0;
            for (int t = 0; t < turns; t++) {
                Turn a = without.get(t), b = with.get(t);
                if (!a.raw().equals(b.raw())) throw new IllegalStateException("turn " + t + " answers differ with the cache");
                sumA += a.ttftSeconds();
                sumB += b.ttftSeconds();
                System.out.printf("| %d | %d | %d | %.2f | %.2f | %.1fx |%n", t + 1, a.promptTokens(), b.cachedTokens(),
                        a.ttftSeconds(), b.ttftSeconds(), a.ttftSeconds() / b.ttftSeconds());
            }
            System.out.printf("| all | | | %.1f | %.1f | %.1fx |%n", sumA, sumB, sumA / sumB);
        }
    }

    /** A chat job rendered with {@code template} (the model has none), shared prefix up to the last turn header. */
    static TextJob rendered(TextService service, SupportedChatTemplate template, ChatRequest request, GenerationSettings settings) {
        String prompt = template.render(request);
        int[] ids = service.tokenize(prompt, false);
        int turnStart = service.bundle().tokenizer().tokenToId("<|im_start|>").orElse(-1), shared = 0;
        for (int i = ids.length - 1; i >= 0; i--) {
            if (ids[i] == turnStart) {
                shared = i;
                break;
            }
        }
        return new TextJob(ids, OutputParserOptions.forPrompt(prompt, request.tools()), settings, null, shared);
    }

    static final String TOOLS = """
            [{"type":"function","function":{"name":"search_docs","description":"Full-text search over the product documentation. Returns the best matching passages with their titles and URLs.",
              "parameters":{"type":"object","properties":{"query":{"type":"string","description":"What to look for"},"limit":{"type":"integer","description":"Most passages to return"},
              "section":{"type":"string","enum":["api","guides","release-notes"]}},"required":["query"]}}},
             {"type":"function","function":{"name":"run_sql","description":"Runs a read-only SQL query against the analytics warehouse and returns up to 50 rows as JSON.",
              "parameters":{"type":"object","properties":{"sql":{"type":"string"},"timeout_s":{"type":"number"}},"required":["sql"]}}},
             {"type":"function","function":{"name":"open_ticket","description":"Opens a support ticket for a customer.",
              "parameters":{"type":"object","properties":{"customer_id":{"type":"string"},"summary":{"type":"string"},"priority":{"type":"string","enum":["low","normal","high"]}},"required":["customer_id","summary"]}}}]""";

    static List<Turn> conversation(TextService service, SupportedChatTemplate template, int turns) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode messages = root.putArray("messages");
        messages.addObject().put("role", "system").put("content", "You are the support agent of Example Corp. Answer from the documentation "
                + "and the warehouse only; cite the passages you used; open a ticket when the customer reports a defect.");
        messages.addObject().put("role", "user").put("content", "Our nightly export has been failing since Tuesday with error E1042. What changed?");
        root.set("tools", JSON.readTree(TOOLS));
        List<Turn> out = new ArrayList<>();
        for (int t = 0; t < turns; t++) {
            GenerationSettings settings = GenerationSettings.of(SamplingParams.GREEDY, 1);
            ChatRequest request = ChatRequestReader.read(root);
            TextJob job = service.bundle().chatTemplate().isPresent() ? service.chatJob(request, settings) : rendered(service, template, request, settings);
            long start = System.nanoTime();
            long[] first = {0};
            CompletableFuture<TextResult> done = new CompletableFuture<>();
            service.submit(job, new TextSink() {
                @Override
                public void onEvent(OutputEvent event) {
                }

                @Override
                public void onToken(int token, String text, TokenLogprobs logprobs) {
                    if (first[0] == 0) first[0] = System.nanoTime();
                }

                @Override
                public void onFinish(TextResult result) {
                    done.complete(result);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });
            TextResult r = done.get();
            out.add(new Turn(job.promptIds().length, r.cachedTokens(), (first[0] - start) / 1e9, r.rawText() + r.completionTokens()));
            ObjectNode assistant = messages.addObject().put("role", "assistant");
            assistant.putNull("content");
            ObjectNode tc = assistant.putArray("tool_calls").addObject().put("id", "call_" + t).put("type", "function");
            tc.putObject("function").put("name", "search_docs").put("arguments", "{\"query\": \"E1042 step " + t + "\", \"limit\": 3}");
            messages.addObject().put("role", "tool").put("tool_call_id", "call_" + t).put("content",
                    "[{\"url\": \"docs/export#" + t + "\", \"text\": \"E1042: the bucket rejected the upload (quota).\"}]");
        }
        return out;
    }
}
