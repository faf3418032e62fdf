package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.runtime.GenerationSettings;
import dev.nemotron4j.runtime.RejectedJobException;
import dev.nemotron4j.runtime.ScoredToken;
import dev.nemotron4j.runtime.TextJob;
import dev.nemotron4j.runtime.TextResult;
import dev.nemotron4j.runtime.TextService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
    private final ResponseLoop.Shutdown shutdown;

    CompletionsHandler(TextService service, ServerConfig config, Metrics metrics, ResponseLoop.Shutdown shutdown) {
        this.service = service;
        this.config = config;
        this.metrics = metrics;
        this.shutdown = shutdown;
    }

    /** One prompt: its ids and the text {@code echo} repeats. */
    private record Prompt(int[] ids, String text) {
    }

    int handle(HttpExchange exchange, RequestReader body, long startNanos) throws IOException, InterruptedException {
        int vocab = service.vocabSize();
        OpenAiServer.checkModel(body.string("model").orElse(null), config);
        List<Prompt> prompts = prompts(body, service, vocab, body.bool("add_special_tokens", true));
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
        int context = service.contextLimit();
        // OpenAI's default for this endpoint is 16 tokens.
        Integer requested = sampling.maxTokens() == null ? Integer.valueOf(16) : sampling.maxTokens();

        List<TextJob> jobs = new ArrayList<>();
        int promptTokens = 0;
        for (Prompt p : prompts) {
            int max = Limits.maxTokens(p.ids().length, sampling.maxTokens() == null ? Math.min(16, context - p.ids().length) : requested,
                    context, "prompt");
            promptTokens += p.ids().length;
            for (int j = 0; j < sampling.n(); j++) {
                GenerationSettings s = sampling.settingsFor(j).withMaxTokens(max).withTopLogprobs(logprobs).withTimeout(config.requestTimeout());
                jobs.add(service.rawJob(p.ids(), s));
            }
        }
        String id = OpenAiJson.id("cmpl-");
        long created = OpenAiJson.now();
        long deadline = startNanos + config.requestTimeout().toNanos() + TimeUnit.SECONDS.toNanos(5);
        Choices choices = new Choices(jobs.size(), sampling.n(), logprobs, id, created, includeUsage, promptTokens);
        // echoed prompts are scored first (on the scheduler), so that a refusal leaves no generation running
        for (int c = 0; c < jobs.size() && echo; c++) choices.echo(c, prompts.get(c / sampling.n()));
        GenerationStream gen = new GenerationStream(service, jobs, metrics, startNanos, logprobs >= 0);
        metrics.promptTokens(promptTokens * sampling.n());
        return new ResponseLoop(gen, choices, deadline, shutdown).respond(exchange, stream);
    }

    /** The prompt's scores, computed on the scheduler with the running requests (a full queue is a 429). */
    private ScoredToken[] scores(int[] ids, int top) {
        try {
            return service.score(ids, top);
        } catch (RejectedJobException e) {
            throw e.reason() == RejectedJobException.Reason.QUEUE_FULL ? ApiError.queueFull() : ApiError.contextLength(e.getMessage(), "prompt");
        } catch (java.util.concurrent.CancellationException e) {
            throw ApiError.timeout();
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

    private static List<Prompt> prompts(RequestReader body, TextService service, int vocab, boolean addSpecial) {
        JsonNode p = body.node("prompt");
        if (p == null) throw ApiError.badRequest("'prompt' is required", "prompt");
        List<Prompt> out = new ArrayList<>();
        if (p.isTextual()) {
            out.add(textPrompt(p.textValue(), service, addSpecial));
        } else if (p.isArray() && !p.isEmpty() && p.get(0).isIntegralNumber()) {
            out.add(idPrompt(p, service, vocab));
        } else if (p.isArray() && !p.isEmpty()) {
            for (JsonNode item : p) {
                if (item.isTextual()) out.add(textPrompt(item.textValue(), service, addSpecial));
                else if (item.isArray() && !item.isEmpty()) out.add(idPrompt(item, service, vocab));
                else throw RequestReader.wrongType("prompt", "a string, an array of strings, an array of token ids or an array of those", p);
            }
        } else {
            throw RequestReader.wrongType("prompt", "a non-empty string, an array of strings, an array of token ids or an array of those", p);
        }
        if (out.size() > SamplingRequest.MAX_N) throw ApiError.badRequest("'prompt' may hold at most " + SamplingRequest.MAX_N + " prompts", "prompt");
        return out;
    }

    private static Prompt textPrompt(String text, TextService service, boolean addSpecial) {
        int[] ids = service.tokenize(text, addSpecial);
        if (ids.length == 0) throw ApiError.badRequest("'prompt' must not be empty", "prompt");
        return new Prompt(ids, text);
    }

    private static Prompt idPrompt(JsonNode array, TextService service, int vocab) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode v = array.get(i);
            if (!v.isIntegralNumber()) throw RequestReader.wrongType("prompt", "an array of integer token ids", array);
            long id = v.longValue();
            if (id < 0 || id >= vocab) throw ApiError.badRequest("'prompt' token id " + id + " is outside the vocabulary [0, " + vocab + ")", "prompt");
            ids[i] = (int) id;
        }
        return new Prompt(ids, service.detokenize(ids));
    }

    /** The choices being assembled: text, legacy logprobs, results. */
    private final class Choices implements ResponseLoop.Assembler {
        final StringBuilder[] text;
        final StringBuilder[] pendingText;
        final Logprobs[] logprobs;
        final Logprobs[] pendingLogprobs;
        /** Per choice: characters of token text already sent in stream pieces (text_offset continues from it). */
        final int[] sentOffset;
        final TextResult[] results;
        final int topLogprobs;
        /** Choices per prompt. */
        final int n;

        final String id;
        final long created;
        final boolean includeUsage;
        final int promptTokens;
        final boolean[] echoed;

        Choices(int count, int n, int topLogprobs, String id, long created, boolean includeUsage, int promptTokens) {
            this.n = n;
            this.topLogprobs = topLogprobs;
            this.id = id;
            this.created = created;
            this.includeUsage = includeUsage;
            this.promptTokens = promptTokens;
            this.echoed = new boolean[count];
            text = new StringBuilder[count];
            pendingText = new StringBuilder[count];
            logprobs = new Logprobs[count];
            pendingLogprobs = new Logprobs[count];
            sentOffset = new int[count];
            results = new TextResult[count];
            for (int i = 0; i < count; i++) {
                text[i] = new StringBuilder();
                pendingText[i] = new StringBuilder();
                logprobs[i] = new Logprobs();
                pendingLogprobs[i] = new Logprobs();
            }
        }

        void echo(int c, Prompt p) {
            echoed[c] = true;
            text[c].append(p.text());
            pendingText[c].append(p.text());
            if (topLogprobs >= 0) {
                // Each prompt token's log-probability given its prefix (the first has none: null, as OpenAI sends).
                ScoredToken[] scored = scores(p.ids(), topLogprobs);
                int at = 0;
                for (int i = 0; i < p.ids().length; i++) {
                    String t = service.tokenText(p.ids()[i]);
                    ScoredToken lp = scored[i];
                    ObjectNode top = null;
                    if (lp != null) {
                        top = F.objectNode();
                        for (ScoredToken alt : lp.alternatives()) top.put(alt.text(), alt.logprob());
                    }
                    // text_offset indexes the echoed text: a special token the tokenizer added (<s> before a text
                    // prompt) is not in that text and takes no characters there.
                    int width = service.isSpecialToken(p.ids()[i]) && !p.text().startsWith(t, at) ? 0 : t.length();
                    at += width;
                    logprobs[c].add(t, width, lp == null ? null : lp.logprob(), top);
                    pendingLogprobs[c].add(t, width, lp == null ? null : lp.logprob(), top);
                }
            }
        }

        @Override
        public List<ObjectNode> opening() {
            List<ObjectNode> chunks = new ArrayList<>();
            for (int c = 0; c < echoed.length; c++) if (echoed[c]) chunks.add(chunk(id, created, includeUsage, piece(c, null)));
            return chunks;
        }

        @Override
        public List<ObjectNode> accept(GenerationStream.Signal signal) {
            ObjectNode piece = fold(signal);
            return piece == null ? List.of() : List.of(chunk(id, created, includeUsage, piece));
        }

        @Override
        public ObjectNode closing() {
            if (!includeUsage) return null;
            ObjectNode last = header(id, created, "text_completion");
            last.putArray("choices");
            last.set("usage", usage(promptTokens));
            return last;
        }

        @Override
        public ObjectNode whole() {
            ObjectNode root = header(id, created, "text_completion");
            ArrayNode arr = root.putArray("choices");
            for (int c = 0; c < results.length; c++) arr.add(whole(c));
            root.set("usage", usage(promptTokens));
            return root;
        }

        /** Folds a signal in; returns a stream choice object when there is something to send. */
        ObjectNode fold(GenerationStream.Signal signal) {
            int c = signal.choice();
            switch (signal) {
                case GenerationStream.Token t -> {
                    ScoredToken lp = t.logprobs();
                    if (lp != null && !service.isEndOfTurn(t.id())) {
                        String tok = lp.text();
                        ObjectNode top = F.objectNode();
                        for (ScoredToken alt : lp.alternatives()) top.put(alt.text(), alt.logprob());
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
                    if (f.result().timedOut()) throw ApiError.timeout();
                    results[c] = f.result();
                    return piece(c, f.result().finishReason());
                }
                case GenerationStream.Failed f -> {
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
            int completion = 0, cached = 0;
            for (int c = 0; c < results.length; c++) {
                TextResult r = results[c];
                if (r == null) continue;
                completion += r.completionTokens();
                if (c % n == 0) cached += r.cachedTokens(); // each prompt once, as its tokens are counted
            }
            return OpenAiJson.usage(promptTokens, completion, 0, cached);
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
