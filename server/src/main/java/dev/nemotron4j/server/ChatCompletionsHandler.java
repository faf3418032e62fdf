package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.chat.output.OutputGrammar;
import dev.nemotron4j.chat.template.UnsupportedChatTemplateException;
import dev.nemotron4j.runtime.GenerationSettings;
import dev.nemotron4j.runtime.TextJob;
import dev.nemotron4j.runtime.TextResult;
import dev.nemotron4j.runtime.TextService;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.nemotron4j.server.OpenAiJson.F;

/**
 * {@code POST /v1/chat/completions}: renders the conversation with the model's template, runs one job per choice
 * in the shared batch, and answers with reasoning ({@code reasoning_content}, also as {@code reasoning}), content
 * and tool calls — as one JSON object, or streamed as {@code chat.completion.chunk} events.
 */
final class ChatCompletionsHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ChatCompletionsHandler.class);

    private final TextService service;
    private final ServerConfig config;
    private final Metrics metrics;
    private final ResponseLoop.Shutdown shutdown;

    ChatCompletionsHandler(TextService service, ServerConfig config, Metrics metrics, ResponseLoop.Shutdown shutdown) {
        this.service = service;
        this.config = config;
        this.metrics = metrics;
        this.shutdown = shutdown;
    }

    /** Handles one request; returns the HTTP status sent. */
    int handle(HttpExchange exchange, RequestReader body, long startNanos) throws IOException, InterruptedException {
        int vocab = service.vocabSize();
        ChatCompletionRequest req = ChatCompletionRequest.read(body, vocab);
        OpenAiServer.checkModel(req.model(), config);

        TextJob rendered;
        try {
            rendered = service.chatJob(req.chat(), req.sampling().settingsFor(0));
        } catch (UnsupportedChatTemplateException e) {
            throw new ApiError(500, "server_error", "This model has no supported chat template; use /v1/completions", null, null);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("The messages cannot be rendered: " + e.getMessage(), "messages");
        }
        OutputGrammar grammar;
        try {
            grammar = req.grammar(rendered.parse().startsInReasoning());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("'tool_choice' cannot be enforced: " + e.getMessage(), "tool_choice");
        }
        int promptLen = rendered.promptIds().length;
        int maxTokens = Limits.maxTokens(promptLen, req.sampling().maxTokens(), service.contextLimit(), "messages");

        List<TextJob> jobs = new ArrayList<>();
        for (int i = 0; i < req.sampling().n(); i++) {
            GenerationSettings settings = req.sampling().settingsFor(i).withMaxTokens(maxTokens).withBudget(req.budget())
                    .withBudgetEndingIds(req.budgetEndIds()).withTopLogprobs(req.topLogprobs()).withTimeout(config.requestTimeout());
            jobs.add(rendered.with(settings, grammar));
        }
        GenerationStream gen = new GenerationStream(service, jobs, metrics, startNanos, req.topLogprobs() >= 0);
        metrics.promptTokens(promptLen * jobs.size());
        Response response = new Response(OpenAiJson.id("chatcmpl-"), OpenAiJson.now(), config.servedModelName(), req, promptLen);
        long deadline = startNanos + config.requestTimeout().toNanos() + TimeUnit.SECONDS.toNanos(5);
        return new ResponseLoop(gen, response, deadline, shutdown).respond(exchange, req.stream());
    }

    /** The response being assembled from the choices' signals. */
    private final class Response implements ResponseLoop.Assembler {
        final String id;
        final long created;
        final String model;
        final ChatCompletionRequest req;
        final int promptTokens;
        final List<List<ObjectNode>> logprobs = new ArrayList<>();
        final List<List<ObjectNode>> pendingLogprobs = new ArrayList<>();
        final List<StringBuilder> extraContent = new ArrayList<>();
        final TextResult[] results;

        Response(String id, long created, String model, ChatCompletionRequest req, int promptTokens) {
            this.id = id;
            this.created = created;
            this.model = model;
            this.req = req;
            this.promptTokens = promptTokens;
            this.results = new TextResult[req.sampling().n()];
            for (int i = 0; i < results.length; i++) {
                logprobs.add(new ArrayList<>());
                pendingLogprobs.add(new ArrayList<>());
                extraContent.add(new StringBuilder());
            }
        }

        int n() {
            return results.length;
        }

        @Override
        public List<ObjectNode> opening() {
            List<ObjectNode> chunks = new ArrayList<>();
            for (int i = 0; i < n(); i++) chunks.add(chunk(i, F.objectNode().put("role", "assistant").put("content", ""), null, null));
            return chunks;
        }

        @Override
        public ObjectNode closing() {
            if (!req.includeUsage()) return null;
            ObjectNode last = chunk(-1, null, null, null);
            last.set("usage", usage());
            return last;
        }

        @Override
        public ObjectNode whole() {
            return completion();
        }

        /** Folds a signal in; returns the stream chunks it yields. */
        @Override
        public List<ObjectNode> accept(GenerationStream.Signal signal) {
            int c = signal.choice();
            return switch (signal) {
                case GenerationStream.Token t -> {
                    if (t.logprobs() != null && !service.isEndOfTurn(t.id())) {
                        ObjectNode entry = OpenAiJson.chatLogprob(t.logprobs());
                        logprobs.get(c).add(entry);
                        pendingLogprobs.get(c).add(entry);
                    }
                    yield List.of();
                }
                case GenerationStream.Event e -> {
                    ObjectNode delta = delta(c, e.event());
                    yield delta == null ? List.of() : List.of(chunk(c, delta, null, takePending(c)));
                }
                case GenerationStream.Finished f -> {
                    if (f.result().timedOut()) throw ApiError.timeout();
                    results[c] = f.result();
                    if (req.toolChoice().unsatisfiedBy(f.result().parsed().toolCalls().size())) metrics.toolChoiceUnsatisfied();
                    yield List.of(chunk(c, F.objectNode(), f.result().finishReason(), takePending(c)));
                }
                case GenerationStream.Failed f -> {
                    LOG.error("generation failed", f.error());
                    throw ApiError.internal();
                }
            };
        }

        private ArrayNode takePending(int c) {
            if (req.topLogprobs() < 0 || pendingLogprobs.get(c).isEmpty()) return null;
            ArrayNode a = F.arrayNode();
            pendingLogprobs.get(c).forEach(a::add);
            pendingLogprobs.get(c).clear();
            return a;
        }

        /** The delta for an output event, or null when it shows nothing. */
        private ObjectNode delta(int c, OutputEvent event) {
            return switch (event) {
                case OutputEvent.ReasoningDelta(String text) -> F.objectNode().put("reasoning_content", text).put("reasoning", text);
                case OutputEvent.ContentDelta(String text) -> F.objectNode().put("content", text);
                case OutputEvent.ToolCallStarted(int index, String callId, String name) -> {
                    ObjectNode call = F.objectNode().put("index", index).put("id", callId).put("type", "function");
                    call.putObject("function").put("name", name).put("arguments", "");
                    ObjectNode d = F.objectNode();
                    d.putArray("tool_calls").add(call);
                    yield d;
                }
                case OutputEvent.ToolCallArgumentsDelta(int index, String fragment) -> {
                    ObjectNode call = F.objectNode().put("index", index);
                    call.putObject("function").put("arguments", fragment);
                    ObjectNode d = F.objectNode();
                    d.putArray("tool_calls").add(call);
                    yield d;
                }
                case OutputEvent.ToolCallCompleted done -> null;
                case OutputEvent.MalformedToolCall bad -> {
                    // Never drop text silently: a call that does not parse is shown as the text the model wrote.
                    extraContent.get(c).append(bad.rawText());
                    yield F.objectNode().put("content", bad.rawText());
                }
            };
        }

        ObjectNode chunk(int choice, ObjectNode delta, String finishReason, ArrayNode logprobContent) {
            ObjectNode chunk = F.objectNode().put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
            ArrayNode choices = chunk.putArray("choices");
            if (choice >= 0) {
                ObjectNode ch = choices.addObject().put("index", choice);
                ch.set("delta", delta);
                if (logprobContent == null) ch.putNull("logprobs");
                else ch.putObject("logprobs").set("content", logprobContent);
                ch.put("finish_reason", finishReason);
            }
            if (req.includeUsage()) chunk.putNull("usage");
            return chunk;
        }

        ObjectNode usage() {
            int completion = 0, reasoning = 0, cached = -1;
            for (TextResult r : results) {
                if (r == null) continue;
                completion += r.completionTokens();
                reasoning += r.reasoningTokens();
                // the prompt is counted once: the least any choice resumed (choices admitted together may all miss)
                cached = cached < 0 ? r.cachedTokens() : Math.min(cached, r.cachedTokens());
            }
            return OpenAiJson.usage(promptTokens, completion, reasoning, Math.max(cached, 0));
        }

        ObjectNode completion() {
            ObjectNode root = F.objectNode().put("id", id).put("object", "chat.completion").put("created", created).put("model", model);
            ArrayNode choices = root.putArray("choices");
            for (int c = 0; c < results.length; c++) {
                TextResult r = results[c];
                var parsed = r.parsed();
                ObjectNode message = F.objectNode().put("role", "assistant");
                String content = parsed.content() == null ? "" : parsed.content();
                content += extraContent.get(c);
                message.put("content", content.isEmpty() ? null : content);
                message.put("reasoning_content", parsed.reasoning());
                message.put("reasoning", parsed.reasoning());
                if (!parsed.toolCalls().isEmpty()) {
                    ArrayNode calls = message.putArray("tool_calls");
                    for (var call : parsed.toolCalls()) {
                        ObjectNode tc = calls.addObject().put("id", call.id()).put("type", "function");
                        tc.putObject("function").put("name", call.name()).put("arguments", call.argumentsJson());
                    }
                }
                ObjectNode ch = choices.addObject().put("index", c);
                ch.set("message", message);
                if (req.topLogprobs() < 0) {
                    ch.putNull("logprobs");
                } else {
                    ArrayNode a = ch.putObject("logprobs").putArray("content");
                    logprobs.get(c).forEach(a::add);
                }
                ch.put("finish_reason", r.finishReason());
            }
            root.set("usage", usage());
            return root;
        }
    }
}
