package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.engine.generation.FinishReason;
import dev.nemotron4j.engine.generation.PromptScorer;
import dev.nemotron4j.engine.generation.TokenLogprobs;
import dev.nemotron4j.runtime.GenerationSettings;
import dev.nemotron4j.runtime.TextJob;
import dev.nemotron4j.runtime.TextResult;
import dev.nemotron4j.runtime.ModelBundle;
import dev.nemotron4j.runtime.TextService;
import dev.nemotron4j.tokenizer.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.nemotron4j.server.OpenAiJson.F;

/**
 * {@code POST /v1/completions}: raw prompts (text, or token ids; one or many) continued without a chat template.
 * Supports {@code echo} and the legacy {@code logprobs} shape (tokens, token_logprobs, top_logprobs, text_offset);
 * echoed prompt tokens carry their log-probabilities given their prefix (the first token's is null).
 */
final class CompletionsHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CompletionsHandler.class);

    private final TextService service;
    private final ServerConfig config;
    private final Metrics metrics;

    CompletionsHandler(TextService service, ServerConfig config, Metrics metrics) {
        this.service = service;
        this.config = config;
        this.metrics = metrics;
    }

    /** One prompt: its ids and the text {@code echo} repeats. */
    private record Prompt(int[] ids, String text) {
    }

    int handle(HttpExchange exchange, RequestReader body, long startNanos) throws IOException, InterruptedException {
        Tokenizer tokenizer = service.bundle().tokenizer();
        int vocab = service.bundle().model().vocabSize();
        OpenAiServer.checkModel(body.string("model").orElse(null), config);
        List<Prompt> prompts = prompts(body, service.bundle(), vocab, body.bool("add_special_tokens", true));
        boolean echo = body.bool("echo", false);
        SamplingRequest sampling = SamplingRequest.read(body, vocab, 1.0, echo ? 0 : 1);
        boolean stream = body.bool("stream", false);
        JsonNode options = body.node("stream_options");
        boolean includeUsage = options != null && options.path("include_usage").asBoolean(false);
        int logprobs = body.integer("logprobs", 0, 20).orElse(-1);
        if (body.has("suffix")) throw ApiError.badRequest("'suffix' is not supported", "suffix");
        var bestOf = body.integer("best_of", 1, SamplingRequest.MAX_N);
        if (bestOf.isPresent() && bestOf.getAsInt() != sampling.n()) {
            throw ApiError.badRequest("'best_of' other than 'n' is not supported", "best_of");
        }
        int context = service.scheduler().options().contextLimit();
        // OpenAI's default for this endpoint is 16 tokens.
        Integer requested = sampling.maxTokens() == null ? Integer.valueOf(16) : sampling.maxTokens();

        List<TextJob> jobs = new ArrayList<>();
        int promptTokens = 0;
        for (Prompt p : prompts) {
            int max = Limits.maxTokens(p.ids().length, sampling.maxTokens() == null ? Math.min(16, context - p.ids().length) : requested,
                    context, "prompt");
            promptTokens += p.ids().length;
            for (int j = 0; j < sampling.n(); j++) {
                GenerationSettings s = new GenerationSettings(sampling.samplingFor(j), max, sampling.stop(), Set.of(), sampling.ignoreEos(),
                        null, null, logprobs, config.requestTimeout());
                jobs.add(service.rawJob(p.ids(), s));
            }
        }
        GenerationStream gen = new GenerationStream(service, jobs, metrics, startNanos, logprobs >= 0);
        metrics.promptTokens(promptTokens * sampling.n());
        String id = OpenAiJson.id("cmpl-");
        long created = OpenAiJson.now();
        long deadline = startNanos + config.requestTimeout().toNanos() + TimeUnit.SECONDS.toNanos(5);
        Choices choices = new Choices(jobs.size(), logprobs, tokenizer);
        for (int c = 0; c < jobs.size(); c++) {
            Prompt p = prompts.get(c / sampling.n());
            if (echo) choices.echo(c, p);
        }
        if (!stream) {
            while (!gen.finished()) {
                GenerationStream.Signal s = gen.next(250, TimeUnit.MILLISECONDS);
                if (System.nanoTime() - deadline > 0) {
                    gen.cancel();
                    throw ApiError.timeout();
                }
                if (s != null) choices.accept(s, gen);
            }
            ObjectNode root = header(id, created, "text_completion");
            ArrayNode arr = root.putArray("choices");
            for (int c = 0; c < jobs.size(); c++) arr.add(choices.whole(c));
            root.set("usage", choices.usage(promptTokens));
            return OpenAiServer.sendJson(exchange, 200, root);
        }
        SseStream sse = new SseStream(exchange);
        try {
            if (echo) {
                for (int c = 0; c < jobs.size(); c++) sse.send(chunk(id, created, includeUsage, choices.piece(c, null)));
            }
            while (!gen.finished() && !sse.broken()) {
                GenerationStream.Signal s = gen.next(1, TimeUnit.SECONDS);
                if (System.nanoTime() - deadline > 0) throw ApiError.timeout();
                if (s == null) {
                    sse.heartbeat();
                    continue;
                }
                ObjectNode piece = choices.accept(s, gen);
                if (piece != null) sse.send(chunk(id, created, includeUsage, piece));
            }
            if (sse.broken()) {
                gen.cancel();
                return 499;
            }
            if (includeUsage) {
                ObjectNode last = header(id, created, "text_completion");
                last.putArray("choices");
                last.set("usage", choices.usage(promptTokens));
                sse.send(last);
            }
            sse.done();
            return 200;
        } catch (ApiError e) {
            gen.cancel();
            sse.send(e.toJson());
            sse.done();
            return e.status();
        }
    }

    private ObjectNode header(String id, long created, String object) {
        return F.objectNode().put("id", id).put("object", object).put("created", created).put("model", config.servedModelName());
    }

    private ObjectNode chunk(String id, long created, boolean includeUsage, ObjectNode choice) {
        ObjectNode chunk = header(id, created, "text_completion");
        chunk.putArray("choices").add(choice);
        if (includeUsage) chunk.putNull("usage");
        return chunk;
    }

    private static List<Prompt> prompts(RequestReader body, ModelBundle bundle, int vocab, boolean addSpecial) {
        Tokenizer tokenizer = bundle.tokenizer();
        JsonNode p = body.node("prompt");
        if (p == null) throw ApiError.badRequest("'prompt' is required", "prompt");
        List<Prompt> out = new ArrayList<>();
        if (p.isTextual()) {
            out.add(textPrompt(p.textValue(), bundle, addSpecial));
        } else if (p.isArray() && !p.isEmpty() && p.get(0).isIntegralNumber()) {
            out.add(idPrompt(p, tokenizer, vocab));
        } else if (p.isArray() && !p.isEmpty()) {
            for (JsonNode item : p) {
                if (item.isTextual()) out.add(textPrompt(item.textValue(), bundle, addSpecial));
                else if (item.isArray() && !item.isEmpty()) out.add(idPrompt(item, tokenizer, vocab));
                else throw RequestReader.wrongType("prompt", "a string, an array of strings, an array of token ids or an array of those", p);
            }
        } else {
            throw RequestReader.wrongType("prompt", "a non-empty string, an array of strings, an array of token ids or an array of those", p);
        }
        if (out.size() > SamplingRequest.MAX_N) throw ApiError.badRequest("'prompt' may hold at most " + SamplingRequest.MAX_N + " prompts", "prompt");
        return out;
    }

    private static Prompt textPrompt(String text, ModelBundle bundle, boolean addSpecial) {
        int[] ids = bundle.encode(text, addSpecial);
        if (ids.length == 0) throw ApiError.badRequest("'prompt' must not be empty", "prompt");
        return new Prompt(ids, text);
    }

    private static Prompt idPrompt(JsonNode array, Tokenizer tokenizer, int vocab) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode v = array.get(i);
            if (!v.isIntegralNumber()) throw RequestReader.wrongType("prompt", "an array of integer token ids", array);
            long id = v.longValue();
            if (id < 0 || id >= vocab) throw ApiError.badRequest("'prompt' token id " + id + " is outside the vocabulary [0, " + vocab + ")", "prompt");
            ids[i] = (int) id;
        }
        return new Prompt(ids, tokenizer.decode(ids, false));
    }

    /** The choices being assembled: text, legacy logprobs, results. */
    private final class Choices {
        final StringBuilder[] text;
        final StringBuilder[] pendingText;
        final Logprobs[] logprobs;
        final Logprobs[] pendingLogprobs;
        /** Per choice: characters of token text already sent in stream pieces (text_offset continues from it). */
        final int[] sentOffset;
        final TextResult[] results;
        final int topLogprobs;
        final Tokenizer tokenizer;

        Choices(int n, int topLogprobs, Tokenizer tokenizer) {
            this.topLogprobs = topLogprobs;
            this.tokenizer = tokenizer;
            text = new StringBuilder[n];
            pendingText = new StringBuilder[n];
            logprobs = new Logprobs[n];
            pendingLogprobs = new Logprobs[n];
            sentOffset = new int[n];
            results = new TextResult[n];
            for (int i = 0; i < n; i++) {
                text[i] = new StringBuilder();
                pendingText[i] = new StringBuilder();
                logprobs[i] = new Logprobs();
                pendingLogprobs[i] = new Logprobs();
            }
        }

        void echo(int c, Prompt p) {
            text[c].append(p.text());
            pendingText[c].append(p.text());
            if (topLogprobs >= 0) {
                // Each prompt token's log-probability given its prefix (the first has none: null, as OpenAI sends).
                TokenLogprobs[] scored = PromptScorer.score(service.bundle().model(), p.ids(), topLogprobs);
                int at = 0;
                for (int i = 0; i < p.ids().length; i++) {
                    String t = OpenAiJson.tokenText(tokenizer, p.ids()[i]);
                    TokenLogprobs lp = scored[i];
                    ObjectNode top = null;
                    if (lp != null) {
                        top = F.objectNode();
                        for (int k = 0; k < lp.topTokens().length; k++) top.put(OpenAiJson.tokenText(tokenizer, lp.topTokens()[k]), lp.topLogprobs()[k]);
                    }
                    // text_offset indexes the echoed text: a special token the tokenizer added (<s> before a text
                    // prompt) is not in that text and takes no characters there.
                    int width = tokenizer.isSpecial(p.ids()[i]) && !p.text().startsWith(t, at) ? 0 : t.length();
                    at += width;
                    logprobs[c].add(t, width, lp == null ? null : lp.logprob(), top);
                    pendingLogprobs[c].add(t, width, lp == null ? null : lp.logprob(), top);
                }
            }
        }

        /** Folds a signal in; returns a stream choice object when there is something to send. */
        ObjectNode accept(GenerationStream.Signal signal, GenerationStream gen) {
            int c = signal.choice();
            switch (signal) {
                case GenerationStream.Token t -> {
                    TokenLogprobs lp = t.logprobs();
                    if (lp != null && !service.bundle().stopTokenIds().contains(t.id())) {
                        String tok = OpenAiJson.tokenText(tokenizer, t.id());
                        ObjectNode top = F.objectNode();
                        for (int i = 0; i < lp.topTokens().length; i++) top.put(OpenAiJson.tokenText(tokenizer, lp.topTokens()[i]), lp.topLogprobs()[i]);
                        logprobs[c].add(tok, lp.logprob(), top);
                        pendingLogprobs[c].add(tok, lp.logprob(), top);
                    }
                    return null;
                }
                case GenerationStream.Event e -> {
                    if (e.event() instanceof OutputEvent.ContentDelta(String t)) {
                        text[c].append(t);
                        pendingText[c].append(t);
                        return piece(c, null);
                    }
                    return null;
                }
                case GenerationStream.Finished f -> {
                    if (f.result().engineReason() == FinishReason.TIMEOUT) throw ApiError.timeout();
                    results[c] = f.result();
                    return piece(c, f.result().finishReason());
                }
                case GenerationStream.Failed f -> {
                    gen.cancel();
                    LOG.error("generation failed", f.error());
                    throw ApiError.internal();
                }
            }
        }

        /** A stream choice with the text and logprobs gathered since the last one. */
        ObjectNode piece(int c, String finishReason) {
            ObjectNode ch = F.objectNode().put("index", c).put("text", pendingText[c].toString());
            ch.set("logprobs", topLogprobs < 0 ? F.nullNode() : pendingLogprobs[c].toJson(sentOffset[c]));
            ch.put("finish_reason", finishReason);
            sentOffset[c] += pendingLogprobs[c].textLength();
            pendingText[c].setLength(0);
            pendingLogprobs[c] = new Logprobs();
            return ch;
        }

        ObjectNode whole(int c) {
            ObjectNode ch = F.objectNode().put("index", c).put("text", text[c].toString());
            ch.set("logprobs", topLogprobs < 0 ? F.nullNode() : logprobs[c].toJson(0));
            ch.put("finish_reason", results[c].finishReason());
            return ch;
        }

        ObjectNode usage(int promptTokens) {
            int completion = 0;
            for (TextResult r : results) if (r != null) completion += r.completionTokens();
            return OpenAiJson.usage(promptTokens, completion, 0);
        }
    }

    /** The legacy logprobs object, built token by token. */
    private static final class Logprobs {
        final List<String> tokens = new ArrayList<>();
        final List<Float> values = new ArrayList<>();
        final List<ObjectNode> tops = new ArrayList<>();
        /** Characters each token takes in the choice's text (its text's length; 0 for an echoed special token). */
        final List<Integer> widths = new ArrayList<>();

        void add(String token, Float logprob, ObjectNode top) {
            add(token, token.length(), logprob, top);
        }

        void add(String token, int width, Float logprob, ObjectNode top) {
            tokens.add(token);
            widths.add(width);
            values.add(logprob);
            tops.add(top);
        }

        int textLength() {
            int n = 0;
            for (int w : widths) n += w;
            return n;
        }

        ObjectNode toJson(int offsetBase) {
            ObjectNode o = F.objectNode();
            ArrayNode t = o.putArray("tokens"), v = o.putArray("token_logprobs"), top = o.putArray("top_logprobs"), off = o.putArray("text_offset");
            int offset = offsetBase;
            for (int i = 0; i < tokens.size(); i++) {
                t.add(tokens.get(i));
                if (values.get(i) == null) v.addNull();
                else v.add(values.get(i));
                if (tops.get(i) == null) top.addNull();
                else top.add(tops.get(i));
                off.add(offset);
                offset += widths.get(i);
            }
            return o;
        }
    }
}
