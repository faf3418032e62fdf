package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.engine.generation.BatchScheduler;
import dev.nemotron4j.engine.generation.TokenGenerator;
import dev.nemotron4j.engine.loading.MemoryPlan;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.sampling.Sampler;
import dev.nemotron4j.runtime.GenerationSettings;
import dev.nemotron4j.runtime.ModelBundle;
import dev.nemotron4j.runtime.TextJob;
import dev.nemotron4j.runtime.TextResult;
import dev.nemotron4j.runtime.TextService;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * {@code nemotron4j generate}: continue a prompt given as token ids (engine only) or as text (with the tokenizer,
 * optionally as a chat turn with reasoning control).
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate from a prompt (token ids or text) with cached-state incremental decoding.")
final class GenerateCommand implements Callable<Integer>, RunsModel {

    @Mixin
    ModelOrDefaultOption model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Prompt prompt;

    static final class Prompt {
        @Option(names = "--prompt-ids", converter = TokenList.class, description = "Prompt token ids, e.g. 1,2,3.")
        TokenList.Ids ids;

        @Option(names = "--prompt", description = "Prompt text (needs the model's tokenizer).")
        String text;
    }

    @Option(names = "--chat", description = "Send --prompt as a user turn rendered with the model's chat template.")
    boolean chat;

    @Mixin
    ReasoningOptions reasoning;

    @Option(names = "--max-tokens", defaultValue = "128", description = "Maximum tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--stop-ids", converter = TokenList.class, description = "Token ids that end generation.")
    TokenList.Ids stopIds;

    @Option(names = "--stop", description = "Stop strings (text prompts; repeatable).")
    List<String> stopStrings = new ArrayList<>();

    @Option(names = "--output", description = "ids (space-separated on one line), text, or json. Default: ids for --prompt-ids, text for --prompt.")
    String output;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    KvCacheOption kvCache;

    @Override
    public Path modelPath() {
        return model.path();
    }

    /** One sequence of prompt + output tokens; a text prompt has at most one token per UTF-8 byte, plus the chat frame. */
    @Override
    public MemoryPlan.Workload workload(ModelConfig config) {
        long promptTokens = prompt.ids != null ? prompt.ids.ids().length
                : prompt.text.getBytes(StandardCharsets.UTF_8).length + 1024L + (reasoning.system == null ? 0 : reasoning.system.length() * 4L);
        int context = (int) Math.min(Math.max(config.maxPositionEmbeddings(), 1), promptTokens + Math.max(0, maxTokens));
        boolean text = !engineOnly(format());
        return new MemoryPlan.Workload(1, context, BatchScheduler.DEFAULT_PREFILL_CHUNK, text ? 8 : 1, kvCache.type, text);
    }

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 0) throw new IllegalArgumentException("--max-tokens must be >= 0");
        String format = format();
        if (!List.of("ids", "text", "json").contains(format)) throw new IllegalArgumentException("--output must be ids, text or json, is " + format);
        return engineOnly(format) ? generateIds(format) : generateText(format);
    }

    private String format() {
        return output != null ? output : prompt.text != null ? "text" : "ids";
    }

    /** Token ids in and out without chat, text or stop strings: the engine alone, no tokenizer. */
    private boolean engineOnly(String format) {
        return prompt.ids != null && !chat && (format.equals("ids") || format.equals("json")) && stopStrings.isEmpty();
    }

    /** Engine-only path: no tokenizer needed; stops only at --stop-ids. */
    private int generateIds(String format) {
        try (NemotronHModel m = model.source().load()) {
            kvCache.applyTo(m);
            Set<Integer> stops = new HashSet<>();
            if (stopIds != null) for (int s : stopIds.ids()) stops.add(s);
            Sampler sampler = new Sampler(sampling.params(), m.vocabSize());
            TokenGenerator.Result r = new TokenGenerator(m).generate(m.newState(), prompt.ids.ids(), maxTokens, sampler, stops, null);
            String ids = Arrays.stream(r.tokens()).mapToObj(Integer::toString).collect(Collectors.joining(" "));
            if (format.equals("ids")) {
                System.out.println(ids);
            } else {
                System.out.printf("{\"ids\":[%s],\"finish_reason\":\"%s\",\"prefill_ms\":%.3f,\"decode_tokens_per_s\":%.3f}%n",
                        ids.replace(' ', ','), r.reason() == TokenGenerator.StopReason.STOP_TOKEN ? "stop" : "length",
                        r.prefillNanos() / 1e6, r.decodeTokensPerSecond());
            }
        }
        return 0;
    }

    /** Text path: tokenizer, optional chat template, stop strings, streaming output. */
    private int generateText(String format) throws InterruptedException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (ModelBundle bundle = kvCache.open(model.toRun());
             TextService service = new TextService(bundle, TextService.defaultOptions(bundle))) {
            Set<Integer> extraStops = new HashSet<>();
            if (stopIds != null) for (int s : stopIds.ids()) extraStops.add(s);
            GenerationSettings settings = new GenerationSettings(sampling.sampling(), maxTokens, stopStrings, extraStops,
                    !chat, reasoning.thinkingBudget(), null, -1, null);
            TextJob job;
            if (chat) {
                if (prompt.text == null) throw new IllegalArgumentException("--chat needs --prompt TEXT");
                List<ChatMessage> messages = new ArrayList<>();
                if (reasoning.system != null) messages.add(ChatMessage.system(reasoning.system));
                messages.add(ChatMessage.user(prompt.text));
                job = service.chatJob(new ChatRequest(messages, List.of(), ChatRequestOptions.DEFAULTS.withEnableThinking(reasoning.think)), settings);
            } else {
                int[] ids = prompt.ids != null ? prompt.ids.ids() : bundle.tokenizer().encode(prompt.text, true);
                job = service.rawJob(ids, settings);
            }
            boolean stream = format.equals("text");
            boolean ansi = System.console() != null && System.console().isTerminal();
            ConsoleRenderer renderer = new ConsoleRenderer(stream ? out : new PrintStream(java.io.OutputStream.nullOutputStream()), ansi, true);
            List<Integer> tokens = new ArrayList<>();
            service.submit(job, new dev.nemotron4j.runtime.TextSink() {
                @Override
                public void onEvent(dev.nemotron4j.chat.output.OutputEvent event) {
                    renderer.onEvent(event);
                }

                @Override
                public void onToken(int token, String text, dev.nemotron4j.runtime.ScoredToken lp) {
                    tokens.add(token);
                }

                @Override
                public void onFinish(TextResult result) {
                    renderer.onFinish(result);
                }

                @Override
                public void onError(Throwable error) {
                    renderer.onError(error);
                }
            });
            TextResult r;
            try {
                r = renderer.result().get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
            switch (format) {
                case "ids" -> out.println(tokens.stream().map(String::valueOf).collect(Collectors.joining(" ")));
                case "json" -> {
                    ObjectNode o = new ObjectMapper().createObjectNode();
                    o.putPOJO("ids", tokens);
                    o.put("text", r.rawText());
                    o.put("reasoning", r.parsed().reasoning());
                    o.put("content", r.parsed().content());
                    o.put("finish_reason", r.finishReason());
                    o.put("prompt_tokens", r.promptTokens());
                    o.put("completion_tokens", r.completionTokens());
                    o.put("reasoning_tokens", r.reasoningTokens());
                    o.put("decode_tokens_per_s", r.decodeTokensPerSecond());
                    out.println(o);
                }
                default -> System.err.printf("[%d tokens, %.1f tokens/s, %s]%n", r.completionTokens(),
                        r.decodeTokensPerSecond(), r.finishReason());
            }
        }
        return 0;
    }
}
