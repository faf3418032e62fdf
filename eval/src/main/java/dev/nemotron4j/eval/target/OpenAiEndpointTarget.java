package dev.nemotron4j.eval.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.json.CanonicalJson;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A target behind an OpenAI-compatible HTTP API ({@code /chat/completions} or {@code /completions}).
 *
 * <p>Handles the ways real servers differ: reasoning in {@code reasoning_content} or {@code reasoning},
 * empty {@code content} when everything went to reasoning, tool-call arguments as strings, and
 * {@code echo}+{@code logprobs} for log-likelihood scoring on completions endpoints.
 */
public final class OpenAiEndpointTarget implements Target {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final URI baseUri;
    private final String model;
    private final EndpointType type;
    private final String apiKey;
    private final HttpClient http;
    private final Duration requestTimeout;
    /** The server's tokenizer once probed (empty: it has none); null before the first probe. */
    private Optional<TokenCounter> probed;

    /**
     * @param baseUrl        e.g. {@code http://localhost:8000/v1} (a full {@code .../chat/completions} URL also works)
     * @param model          served model name
     * @param type           chat or completions
     * @param apiKey         bearer token, or null
     * @param requestTimeout per-request HTTP timeout
     */
    public OpenAiEndpointTarget(String baseUrl, String model, EndpointType type, String apiKey, Duration requestTimeout) {
        String base = baseUrl.replaceAll("/+$", "")
                .replaceAll("/(chat/)?completions$", "");
        this.baseUri = URI.create(base + "/");
        this.model = model;
        this.type = type;
        this.apiKey = apiKey;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    }

    @Override
    public TargetIdentity identity() {
        return new TargetIdentity("endpoint", Map.of(
                "url", baseUri.toString(),
                "model", model,
                "endpoint_type", type.name().toLowerCase()));
    }

    @Override
    public boolean supportsLoglikelihood() { return type == EndpointType.COMPLETIONS; }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        long start = System.nanoTime();
        GenerationResult result;
        if (request.continuation() != null) {
            if (type != EndpointType.COMPLETIONS) {
                throw new TargetException("log-likelihood scoring needs a completions endpoint (endpoint type: completions) "
                        + "or the in-process target", false);
            }
            result = loglikelihood(request);
        } else if (type == EndpointType.CHAT) {
            result = parseChat(post("chat/completions", chatPayload(request)));
        } else {
            result = parseCompletion(post("completions", completionPayload(request)));
        }
        return result.withLatency((System.nanoTime() - start) / 1_000_000);
    }

    private ObjectNode chatPayload(GenerationRequest r) {
        ObjectNode body = common(r);
        ArrayNode messages = body.putArray("messages");
        List<ChatMessage> turns = r.isChat() ? r.messages() : List.of(ChatMessage.user(r.prompt()));
        for (ChatMessage m : turns) {
            ObjectNode turn = messages.addObject().put("role", m.role()).put("content", m.content());
            if (m.reasoningContent() != null) turn.put("reasoning_content", m.reasoningContent());
            if (!m.toolCalls().isEmpty()) {
                ArrayNode calls = turn.putArray("tool_calls");
                int i = 0;
                for (ToolCall call : m.toolCalls()) {
                    ObjectNode c = calls.addObject().put("id", "call_" + i++).put("type", "function");
                    c.putObject("function").put("name", call.name()).put("arguments", call.rawArguments());
                }
            }
            if (m.toolCallId() != null) turn.put("tool_call_id", m.toolCallId());
        }
        if (!r.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            r.tools().forEach(tools::add);
        }
        if (r.logprobs()) body.put("logprobs", true);
        if (r.reasoning() != ReasoningMode.DEFAULT) {
            body.putObject("chat_template_kwargs").put("enable_thinking", r.reasoning() == ReasoningMode.ON);
        }
        if (r.reasoningBudget() != null) body.put("reasoning_budget", r.reasoningBudget());
        return merge(body, r.extraBody());
    }

    private ObjectNode completionPayload(GenerationRequest r) {
        ObjectNode body = common(r);
        body.put("prompt", r.promptText());
        if (r.logprobs()) body.put("logprobs", 1);
        return merge(body, r.extraBody());
    }

    private ObjectNode common(GenerationRequest r) {
        ObjectNode body = JSON.objectNode();
        body.put("model", model);
        body.put("temperature", r.temperature());
        body.put("top_p", r.topP());
        if (r.topK() > 0) body.put("top_k", r.topK());
        body.put("max_tokens", r.maxTokens());
        body.put("seed", r.seed());
        return body;
    }

    /**
     * Log-likelihood of the continuation after the prompt, from {@code echo} + {@code logprobs} with no new token.
     * With the server's {@code /tokenize}, the prompt is sent as token ids (context with the special tokens the
     * tokenizer adds, continuation without), exactly as the in-process scorer builds it, and the continuation's
     * tokens are the last ones: nothing depends on how the server reports character offsets. Without it, the
     * text is sent and the continuation's tokens are found by {@code text_offset}, where a leading special token
     * ({@code <s>}) that is not part of the prompt's text is given no width.
     */
    private GenerationResult loglikelihood(GenerationRequest r) {
        String context = r.promptText();
        ObjectNode body = JSON.objectNode();
        body.put("model", model);
        int[] contextIds = null, continuationIds = null;
        if (serverTokenizer().isPresent()) {
            contextIds = tokenize(context, true);
            continuationIds = tokenize(r.continuation(), false);
            if (continuationIds.length == 0) throw new TargetException("continuation '" + r.continuation() + "' tokenizes to nothing", false);
            ArrayNode ids = body.putArray("prompt");
            for (int id : contextIds) ids.add(id);
            for (int id : continuationIds) ids.add(id);
        } else {
            body.put("prompt", context + r.continuation());
        }
        body.put("max_tokens", 0);
        body.put("echo", true);
        body.put("logprobs", 1);
        body.put("temperature", 0.0);
        JsonNode response = post("completions", merge(body, r.extraBody()));
        JsonNode lp = response.path("choices").path(0).path("logprobs");
        JsonNode tokens = lp.path("tokens"), tokenLogprobs = lp.path("token_logprobs"),
                offsets = lp.path("text_offset"), tops = lp.path("top_logprobs");
        if (!tokens.isArray() || !tokenLogprobs.isArray()) {
            throw new TargetException("endpoint returned no echo logprobs (does it support echo=true?)", false);
        }
        int first;
        if (continuationIds != null) {
            if (tokens.size() != contextIds.length + continuationIds.length) {
                throw new TargetException("endpoint echoed " + tokens.size() + " tokens for a prompt of "
                        + (contextIds.length + continuationIds.length) + " token ids", false);
            }
            first = contextIds.length;
        } else {
            if (!offsets.isArray()) throw new TargetException("endpoint returned no text_offset with its echo logprobs", false);
            String echoed = text(response.path("choices").path(0).path("text"));
            int shift = leadingSpecialWidth(tokens, offsets, echoed.isEmpty() ? context + r.continuation() : echoed);
            first = tokens.size();
            for (int i = 0; i < tokens.size(); i++) {
                if (offsets.path(i).asInt() - shift >= context.length()) {
                    first = i;
                    break;
                }
            }
        }
        double sum = 0;
        boolean greedy = true;
        List<TokenLogprob> scored = new ArrayList<>();
        for (int i = first; i < tokens.size(); i++) {
            double logprob = tokenLogprobs.path(i).asDouble();
            sum += logprob;
            scored.add(new TokenLogprob(tokens.path(i).asText(), logprob));
            JsonNode top = tops.path(i);
            if (top.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = top.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getValue().asDouble() > logprob && !e.getKey().equals(tokens.path(i).asText())) greedy = false;
                }
            }
        }
        if (scored.isEmpty()) throw new TargetException("endpoint's echo has no token after the context", false);
        return new GenerationResult("", "", "", List.of(), "length", TokenUsage.UNKNOWN, scored, sum, greedy, 0, null);
    }

    /**
     * Characters a server counted for a leading special token that the echoed text does not contain: when the
     * first token's text is not where its offset says, and the second token's offset is just past it.
     */
    static int leadingSpecialWidth(JsonNode tokens, JsonNode offsets, String text) {
        if (tokens.size() < 2) return 0;
        String firstToken = tokens.path(0).asText();
        int second = offsets.path(1).asInt();
        boolean firstInText = text.startsWith(firstToken, offsets.path(0).asInt());
        return !firstInText && second == offsets.path(0).asInt() + firstToken.length() ? firstToken.length() : 0;
    }

    /**
     * The server's tokenizer ({@code POST /tokenize} at the server root, as vLLM and {@code nemotron4j serve} offer
     * it), probed once; empty when the server has none.
     */
    private Optional<TokenCounter> serverTokenizer() {
        synchronized (this) {
            if (probed == null) {
                Optional<TokenCounter> counter;
                try {
                    tokenize("tokenizer probe", false);
                    String name = "endpoint-tokenize:" + baseUri.resolve("/tokenize") + "#" + model;
                    counter = Optional.of(new TokenCounter() {
                        @Override
                        public int count(String text) { return tokenize(text, false).length; }

                        @Override
                        public boolean local() { return false; }

                        @Override
                        public String name() { return name; }
                    });
                } catch (TargetException noTokenizer) {
                    // unreachable (status 0): ask again next time rather than remember "no tokenizer"
                    if (noTokenizer.status() == 0 && noTokenizer.retryable()) return Optional.empty();
                    counter = Optional.empty();
                }
                probed = counter;
            }
            return probed;
        }
    }

    /** Token ids of a text from the server's {@code /tokenize}. */
    int[] tokenize(String text, boolean addSpecialTokens) {
        ObjectNode body = JSON.objectNode().put("model", model).put("prompt", text).put("add_special_tokens", addSpecialTokens);
        JsonNode response = postTo(baseUri.resolve("/tokenize"), body);
        JsonNode ids = response.path("tokens");
        if (!ids.isArray()) throw new TargetException("/tokenize answered without a 'tokens' array", false);
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.get(i).asInt();
        return out;
    }

    /** The server's tokenizer when it has one: RULER contexts are then filled to lengths it really counts. */
    @Override
    public Optional<TokenCounter> tokenCounter() {
        return serverTokenizer();
    }

    /**
     * The server's count of a whole request, when it has {@code /tokenize}: a chat request is sent as its messages (with
     * the tools and {@code chat_template_kwargs} the chat payload would carry, and {@code add_generation_prompt}), so the
     * server renders its chat template as it will for the completion; a completions request as its prompt text with the
     * special tokens the server adds.
     */
    @Override
    public Optional<PromptCounter> promptCounter() {
        if (serverTokenizer().isEmpty()) return Optional.empty();
        String name = "endpoint-tokenize-" + (type == EndpointType.CHAT ? "chat" : "prompt") + ":" + baseUri.resolve("/tokenize") + "#" + model;
        return Optional.of(new PromptCounter() {
            @Override
            public int count(GenerationRequest request) {
                ObjectNode body = JSON.objectNode().put("model", model);
                if (type == EndpointType.CHAT) {
                    ObjectNode chat = chatPayload(request);
                    body.set("messages", chat.get("messages"));
                    if (chat.has("tools")) body.set("tools", chat.get("tools"));
                    if (chat.has("chat_template_kwargs")) body.set("chat_template_kwargs", chat.get("chat_template_kwargs"));
                    body.put("add_generation_prompt", true);
                } else {
                    body.put("prompt", request.promptText()).put("add_special_tokens", true);
                }
                JsonNode ids = postTo(baseUri.resolve("/tokenize"), body).path("tokens");
                if (!ids.isArray()) throw new TargetException("/tokenize answered without a 'tokens' array", false);
                return ids.size();
            }

            @Override
            public String name() { return name; }
        });
    }

    private static GenerationResult parseChat(JsonNode response) {
        JsonNode choice = response.path("choices").path(0);
        JsonNode message = choice.path("message");
        String content = text(message.path("content"));
        String reasoning = text(message.has("reasoning_content") ? message.path("reasoning_content") : message.path("reasoning"));
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode function = call.path("function");
            JsonNode args = function.path("arguments");
            String raw = args.isTextual() ? args.asText() : args.toString();
            calls.add(new ToolCall(function.path("name").asText(), parseArguments(raw), raw));
        }
        List<TokenLogprob> logprobs = new ArrayList<>();
        for (JsonNode t : choice.path("logprobs").path("content")) {
            logprobs.add(new TokenLogprob(t.path("token").asText(), t.path("logprob").asDouble()));
        }
        return new GenerationResult(content, reasoning, content, calls, choice.path("finish_reason").asText(""),
                usage(response.path("usage")), logprobs, null, null, 0, null);
    }

    private static GenerationResult parseCompletion(JsonNode response) {
        JsonNode choice = response.path("choices").path(0);
        String text = text(choice.path("text"));
        List<TokenLogprob> logprobs = new ArrayList<>();
        JsonNode lp = choice.path("logprobs");
        for (int i = 0; i < lp.path("tokens").size(); i++) {
            logprobs.add(new TokenLogprob(lp.path("tokens").path(i).asText(), lp.path("token_logprobs").path(i).asDouble()));
        }
        return new GenerationResult(text, "", text, List.of(), choice.path("finish_reason").asText(""),
                usage(response.path("usage")), logprobs, null, null, 0, null);
    }

    private static TokenUsage usage(JsonNode usage) {
        return new TokenUsage(usage.path("prompt_tokens").asInt(), usage.path("completion_tokens").asInt(),
                usage.path("completion_tokens_details").path("reasoning_tokens").asInt());
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? "" : node.asText();
    }

    /** Tool-call arguments arrive as a JSON string; keep null when the model produced invalid JSON. */
    static JsonNode parseArguments(String raw) {
        try {
            return raw == null || raw.isBlank() ? JSON.objectNode() : CanonicalJson.MAPPER.readTree(raw);
        } catch (IOException e) {
            return null;
        }
    }

    private static ObjectNode merge(ObjectNode into, ObjectNode extra) {
        extra.fields().forEachRemaining(e -> {
            JsonNode existing = into.get(e.getKey());
            if (e.getValue().isNull()) into.remove(e.getKey());   // payload interceptor's "remove"
            else if (existing instanceof ObjectNode o && e.getValue() instanceof ObjectNode add) merge(o, add);
            else into.set(e.getKey(), e.getValue());
        });
        return into;
    }

    private JsonNode post(String path, ObjectNode body) {
        return postTo(baseUri.resolve(path), body);
    }

    private JsonNode postTo(URI uri, ObjectNode body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (apiKey != null && !apiKey.isEmpty()) builder.header("Authorization", "Bearer " + apiKey);
        HttpResponse<String> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new TargetException("request timed out after " + requestTimeout.toSeconds() + "s", true, 0, e);
        } catch (IOException e) {
            throw new TargetException("cannot reach " + baseUri + ": " + e.getMessage(), true, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetException("interrupted", false, 0, e);
        }
        int status = response.statusCode();
        if (status != 200) {
            boolean retryable = status == 408 || status == 429 || status >= 500;
            String snippet = response.body().length() > 300 ? response.body().substring(0, 300) + "..." : response.body();
            throw new TargetException("HTTP " + status + " from " + uri + ": " + snippet, retryable, status, null);
        }
        try {
            return CanonicalJson.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new TargetException("endpoint returned invalid JSON: " + e.getMessage(), true, status, e);
        }
    }
}
