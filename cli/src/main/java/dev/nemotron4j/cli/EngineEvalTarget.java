package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.chat.ToolCall;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.chat.budget.ThinkingBudget;
import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.runtime.ScoredToken;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.InProcessTargetFactory;
import dev.nemotron4j.eval.target.PromptCounter;
import dev.nemotron4j.eval.target.ReasoningMode;
import dev.nemotron4j.eval.target.Target;
import dev.nemotron4j.eval.target.TargetException;
import dev.nemotron4j.eval.target.TargetIdentity;
import dev.nemotron4j.eval.target.TokenCounter;
import dev.nemotron4j.eval.target.TokenLogprob;
import dev.nemotron4j.eval.target.TokenUsage;
import dev.nemotron4j.runtime.GenerationSettings;
import dev.nemotron4j.runtime.Sampling;
import dev.nemotron4j.runtime.ModelBundle;
import dev.nemotron4j.runtime.TextJob;
import dev.nemotron4j.runtime.TextResult;
import dev.nemotron4j.runtime.TextService;
import dev.nemotron4j.runtime.TextSink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * The in-process engine as an evaluation {@link Target}: requests from the harness run on the continuous-batching
 * {@link TextService} (so the harness's parallelism batches), log-likelihood requests score a continuation with one
 * full-sequence forward. Deterministic for a given request seed. Its identity hashes the weights, tokenizer and chat
 * template so lockfiles detect drift.
 */
final class EngineEvalTarget implements Target {

    /**
     * Registered in META-INF/services so {@code eval run --model PATH} finds the engine. It takes every path:
     * {@link ModelSource#of} decides what the path is and gives the one error for a path that is no model.
     */
    public static final class Factory implements InProcessTargetFactory {
        @Override
        public String name() {
            return "nemotron4j-engine";
        }

        @Override
        public Target open(Path model, Map<String, String> options) {
            return new EngineEvalTarget(ModelBundle.open(model), options);
        }
    }

    private final ModelBundle bundle;
    private final TextService service;
    private final TargetIdentity identity;

    EngineEvalTarget(ModelBundle bundle, Map<String, String> options) {
        this.bundle = bundle;
        int maxBatch = Integer.parseInt(options.getOrDefault("max_batch", "8"));
        this.service = new TextService(bundle, new TextService.Options(
                maxBatch, 1024, TextService.Options.DEFAULT_PREFILL_CHUNK, 512, bundle.defaultContextLimit()));
        this.identity = identify(bundle);
    }

    @Override
    public GenerationResult generate(GenerationRequest req) {
        long t0 = System.nanoTime();
        try {
            if (req.continuation() != null) return loglikelihood(req, t0);
            Sampling sampling = new Sampling((float) req.temperature(), Math.max(0, req.topK()), (float) req.topP(),
                    0f, 1f, 0f, 0f, Map.of(), req.seed());
            GenerationSettings settings = new GenerationSettings(sampling, req.maxTokens(), List.of(), java.util.Set.of(), false,
                    req.reasoningBudget() == null ? null : ThinkingBudget.of(req.reasoningBudget()), null, req.logprobs() ? 0 : -1, null);
            TextJob job = req.isChat() ? service.chatJob(chatRequest(req), settings)
                    : service.rawJob(bundle.tokenizer().encode(req.prompt(), true), settings);
            List<TokenLogprob> logprobs = new ArrayList<>();
            CompletableFuture<TextResult> done = new CompletableFuture<>();
            service.submit(job, new TextSink() {
                @Override
                public void onEvent(OutputEvent event) {
                }

                @Override
                public void onToken(int token, String text, ScoredToken lp) {
                    if (lp != null) logprobs.add(new TokenLogprob(lp.text(), lp.logprob()));
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
            return result(req.isChat(), done.get(), logprobs, (System.nanoTime() - t0) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetException("interrupted", false, 0, e);
        } catch (ExecutionException e) {
            throw new TargetException("engine failed: " + e.getCause().getMessage(), false, 0, e.getCause());
        } catch (RuntimeException e) {
            throw new TargetException("engine rejected the request: " + e.getMessage(), false, 0, e);
        }
    }

    /**
     * The harness's view of a finished generation. For chat, content, reasoning and tool calls are the output
     * parser's fields; the raw text is the model's output exactly as written, so what the parser set aside
     * (a malformed tool call, markup) stays in the record.
     */
    static GenerationResult result(boolean chat, TextResult r, List<TokenLogprob> logprobs, long latencyMillis) {
        List<dev.nemotron4j.eval.target.ToolCall> calls = new ArrayList<>();
        for (ToolCall c : r.parsed().toolCalls()) {
            calls.add(new dev.nemotron4j.eval.target.ToolCall(c.name(), c.arguments(), c.argumentsJson()));
        }
        String content = chat ? r.parsed().content() : r.rawText();
        return new GenerationResult(content, chat ? r.parsed().reasoning() : "", r.rawText(),
                calls, r.finishReason(), new TokenUsage(r.promptTokens(), r.completionTokens(), r.reasoningTokens()),
                logprobs, null, null, latencyMillis, null);
    }

    /** Sum of log-probabilities of the continuation's tokens after the prompt, and whether each is the argmax. */
    private GenerationResult loglikelihood(GenerationRequest req, long t0) {
        int[] context = req.isChat() ? bundle.encodePrompt(bundle.renderPrompt(chatRequest(req))) : bundle.tokenizer().encode(req.prompt(), true);
        int[] cont = bundle.tokenizer().encode(req.continuation(), false);
        if (cont.length == 0) throw new TargetException("continuation tokenizes to nothing", false);
        int[] all = new int[context.length + cont.length];
        System.arraycopy(context, 0, all, 0, context.length);
        System.arraycopy(cont, 0, all, context.length, cont.length);
        // Each continuation token's log-probability given everything before it, fed in pieces (bounded memory).
        ScoredToken[] scored = service.score(all, 1); // on the scheduler, with the other requests
        double sum = 0;
        boolean greedy = true;
        for (int i = 0; i < cont.length; i++) {
            ScoredToken lp = scored[context.length + i];
            sum += lp.logprob();
            greedy &= lp.alternatives().getFirst().id() == cont[i];
        }
        return new GenerationResult("", "", "", List.of(), "stop", new TokenUsage(all.length, 0, 0), List.of(), sum, greedy,
                (System.nanoTime() - t0) / 1_000_000, null);
    }

    private ChatRequest chatRequest(GenerationRequest req) {
        List<ChatMessage> messages = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (var m : req.messages()) {
            List<ToolCall> calls = new ArrayList<>();
            for (var c : m.toolCalls()) {
                JsonNode args = c.arguments();
                calls.add(ToolCall.of(null, c.name(), args != null && args.isObject() ? (com.fasterxml.jackson.databind.node.ObjectNode) args : json.createObjectNode()));
            }
            messages.add(new ChatMessage(m.role(), m.content(), m.reasoningContent(), calls, m.toolCallId()));
        }
        List<ToolDefinition> tools = req.tools().stream().map(ToolDefinition::new).toList();
        ChatRequestOptions opts = ChatRequestOptions.DEFAULTS;
        if (req.reasoning() == ReasoningMode.OFF) opts = opts.withEnableThinking(false);
        if (req.reasoning() == ReasoningMode.ON) opts = opts.withEnableThinking(true);
        return new ChatRequest(messages, tools, opts);
    }

    @Override
    public TargetIdentity identity() {
        return identity;
    }

    @Override
    public boolean supportsLoglikelihood() {
        return true;
    }

    @Override
    public Optional<TokenCounter> tokenCounter() {
        return Optional.of(new TokenCounter() {
            @Override
            public int count(String text) {
                return bundle.tokenizer().encode(text, false).length;
            }

            @Override
            public String name() {
                return "model-tokenizer:" + identity.attributes().get("tokenizer_sha256");
            }
        });
    }

    /** Whole prompts as the engine reads them: the model's chat template rendered and tokenized, as a chat job does. */
    @Override
    public Optional<PromptCounter> promptCounter() {
        return Optional.of(new PromptCounter() {
            @Override
            public int count(GenerationRequest request) {
                if (!request.isChat()) return bundle.tokenizer().encode(request.prompt(), true).length;   // as a raw job encodes it
                return service.tokenizeChat(chatRequest(request)).length;
            }

            @Override
            public String name() {
                return "model-chat-template:" + identity.attributes().get("tokenizer_sha256") + "+" + identity.attributes().get("chat_template_sha256");
            }
        });
    }

    @Override
    public void close() {
        service.close();
        bundle.close();
    }

    /**
     * Hashes of what determines the outputs. Weight files up to 2 GiB are hashed whole; larger ones by their
     * safetensors header and size (hashing 60 GB per run would dominate a small evaluation).
     */
    private static TargetIdentity identify(ModelBundle bundle) {
        Map<String, String> a = new LinkedHashMap<>();
        Path dir = bundle.path();
        if (bundle.isGguf()) return identifyGguf(bundle);
        try {
            MessageDigest weights = MessageDigest.getInstance("SHA-256");
            update(weights, dir.resolve("config.json"), Long.MAX_VALUE);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().matches("model.*\\.safetensors(\\.index\\.json)?")).sorted().toList()) {
                    weights.update(f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    update(weights, f, Files.size(f) <= (2L << 30) ? Long.MAX_VALUE : 8 + headerLength(f));
                }
            }
            a.put("model_sha256", HexFormat.of().formatHex(weights.digest()));
            MessageDigest tok = MessageDigest.getInstance("SHA-256");
            update(tok, dir.resolve("tokenizer.json"), Long.MAX_VALUE);
            a.put("tokenizer_sha256", HexFormat.of().formatHex(tok.digest()));
            try {
                String template = dev.nemotron4j.chat.template.ChatTemplates.loadFromModelDirectory(dir);
                a.put("chat_template_sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(template.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            } catch (IOException noTemplate) {
                a.put("chat_template_sha256", "none");
            }
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new TargetException("cannot fingerprint " + dir + ": " + e.getMessage(), false, 0, e);
        }
        a.put("engine", "nemotron4j " + versionOf());
        a.put("model_name", bundle.name());
        return new TargetIdentity("in-process", a);
    }

    /** A GGUF file holds weights, tokenizer and template together: one hash covers all three. */
    private static TargetIdentity identifyGguf(ModelBundle bundle) {
        Map<String, String> a = new LinkedHashMap<>();
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            Path f = bundle.path();
            update(md, f, Files.size(f) <= (2L << 30) ? Long.MAX_VALUE : 1L << 26);
            String h = HexFormat.of().formatHex(md.digest());
            a.put("model_sha256", h);
            a.put("tokenizer_sha256", h);
            a.put("chat_template_sha256", h);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new TargetException("cannot fingerprint " + bundle.path() + ": " + e.getMessage(), false, 0, e);
        }
        a.put("engine", "nemotron4j " + versionOf());
        a.put("model_name", bundle.name());
        return new TargetIdentity("in-process", a);
    }

    private static String versionOf() {
        String v = EngineEvalTarget.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0" : v;
    }

    private static long headerLength(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            byte[] b = in.readNBytes(8);
            return b.length < 8 ? 0 : java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        }
    }

    private static void update(MessageDigest md, Path f, long limit) throws IOException {
        if (!Files.isRegularFile(f)) return;
        try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
            byte[] buf = new byte[1 << 16];
            long left = limit;
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) left -= n;
        }
    }
}
