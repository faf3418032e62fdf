package dev.nemotron4j.server.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.runtime.ScoredToken;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestReader;
import dev.nemotron4j.chat.output.OutputParserOptions;
import dev.nemotron4j.chat.template.ChatTemplates;
import dev.nemotron4j.chat.template.SupportedChatTemplate;
import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.runtime.GenerationSettings;
import dev.nemotron4j.runtime.ModelBundle;
import dev.nemotron4j.runtime.Sampling;
import dev.nemotron4j.runtime.TextJob;
import dev.nemotron4j.runtime.TextResult;
import dev.nemotron4j.runtime.TextService;
import dev.nemotron4j.runtime.TextSink;

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
        // turns measured without the cache (all by default; on a slow machine a few show the linear growth)
        List<Integer> sampled = new ArrayList<>();
        if (args.length > 4) for (String x : args[4].split(",")) sampled.add(Integer.parseInt(x.strip()));
        else for (int t = 1; t <= turns; t++) sampled.add(t);
        try (ModelBundle bundle = ModelBundle.open(model)) {
            TextService.Options options = new TextService.Options(4, 16, 256, 512, 16384);
            List<Turn> with = new ArrayList<>();
            Turn[] without = new Turn[turns];
            try (TextService service = new TextService(bundle, options, cacheMib << 20)) {
                run(service, jobs(bundle, service, template, 2).getFirst()); // warm-up: JIT
                for (TextJob job : jobs(bundle, service, template, turns)) with.add(run(service, job));
            }
            try (TextService service = new TextService(bundle, options, 0)) {
                List<TextJob> jobs = jobs(bundle, service, template, turns);
                for (int t : sampled) without[t - 1] = run(service, jobs.get(t - 1));
            }
            System.out.println("| turn | prompt tokens | cached tokens | TTFT without cache (s) | TTFT with cache (s) | speed-up |");
            System.out.println("|---|---|---|---|---|---|");
            for (int t = 0; t < turns; t++) {
                Turn a = without[t], b = with.get(t);
                if (a != null && !a.raw().equals(b.raw())) throw new IllegalStateException("turn " + (t + 1) + ": the first token differs with the cache");
                System.out.printf("| %d | %d | %d | %s | %.2f | %s |%n", t + 1, b.promptTokens(), b.cachedTokens(),
                        a == null ? "" : String.format("%.2f", a.ttftSeconds()), b.ttftSeconds(),
                        a == null ? "" : String.format("%.1fx", a.ttftSeconds() / b.ttftSeconds()));
            }
        }
    }

    /** Submits one job and waits: time to first token (the prefill), prompt and cached tokens, the first token. */
    static Turn run(TextService service, TextJob job) throws Exception {
        long start = System.nanoTime();
        long[] first = {0};
        CompletableFuture<TextResult> done = new CompletableFuture<>();
        service.submit(job, new TextSink() {
            @Override
            public void onEvent(OutputEvent event) {
            }

            @Override
            public void onToken(int token, String text, ScoredToken logprobs) {
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
        double ttft = (first[0] - start) / 1e9;
        System.err.printf("prompt %d, cached %d, TTFT %.2f s%n", job.promptIds().length, r.cachedTokens(), ttft);
        return new Turn(job.promptIds().length, r.cachedTokens(), ttft, r.rawText() + r.completionTokens());
    }

    /** A chat job rendered with {@code template} (the model has none), shared prefix up to the last turn header. */
    static TextJob rendered(ModelBundle bundle, TextService service, SupportedChatTemplate template, ChatRequest request, GenerationSettings settings) {
        String prompt = template.render(request);
        int[] ids = service.tokenize(prompt, false);
        int turnStart = bundle.tokenizer().tokenToId("<|im_start|>").orElse(-1), shared = 0;
        for (int i = ids.length - 1; i >= 0; i--) {
            if (ids[i] == turnStart) {
                shared = i;
                break;
            }
        }
        return new TextJob(ids, OutputParserOptions.forPrompt(prompt, request.tools()), settings, null, shared);
    }

    static final String TOOLS = """
            [{"type":"function","function":{"name":"search_docs","description":"Search the documentation.",
              "parameters":{"type":"object","properties":{"query":{"type":"string"}},"required":["query"]}}}]""";

    /** The prompts of a {@code turns}-turn tool conversation: each turn adds the assistant's call and the tool's result. */
    static List<TextJob> jobs(ModelBundle bundle, TextService service, SupportedChatTemplate template, int turns) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode messages = root.putArray("messages");
        messages.addObject().put("role", "system").put("content", "You are the support agent of Example Corp. Cite the passages you use.");
        messages.addObject().put("role", "user").put("content", "Our nightly export fails with error E1042. What changed?");
        root.set("tools", JSON.readTree(TOOLS));
        GenerationSettings settings = GenerationSettings.of(Sampling.GREEDY, 1);
        List<TextJob> out = new ArrayList<>();
        for (int t = 0; t < turns; t++) {
            ChatRequest request = ChatRequestReader.read(root);
            out.add(bundle.chatTemplate().isPresent() ? service.chatJob(request, settings) : rendered(bundle, service, template, request, settings));
            ObjectNode assistant = messages.addObject().put("role", "assistant");
            assistant.putNull("content");
            ObjectNode tc = assistant.putArray("tool_calls").addObject().put("id", "call_" + t).put("type", "function");
            tc.putObject("function").put("name", "search_docs").put("arguments", "{\"query\": \"E1042 step " + t + "\"}");
            messages.addObject().put("role", "tool").put("tool_call_id", "call_" + t).put("content",
                    "[{\"url\": \"docs/export#" + t + "\", \"text\": \"E1042: the bucket rejected the upload.\"}]");
        }
        return out;
    }
}
