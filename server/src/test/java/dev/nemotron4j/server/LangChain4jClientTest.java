package dev.nemotron4j.server;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.nemotron4j.server.ServerFixture.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/** LangChain4j's OpenAI module, unchanged, against the server: plain and streaming chat, reasoning, tool calls. */
class LangChain4jClientTest {
    static final String KEY = "lc4j-key";
    @AutoClose
    static final ServerFixture f = ServerFixture.start("tiny-a", 8, 64, 4096, c -> c.withApiKey(KEY));

    static OpenAiChatModel model(Map<String, Object> custom) {
        return OpenAiChatModel.builder().baseUrl(f.url("/v1")).apiKey(KEY).modelName("tiny-a").temperature(0.0).maxTokens(24)
                .returnThinking(true).customParameters(custom).build();
    }

    static OpenAiStreamingChatModel streamingModel(Map<String, Object> custom) {
        return OpenAiStreamingChatModel.builder().baseUrl(f.url("/v1")).apiKey(KEY).modelName("tiny-a").temperature(0.0).maxTokens(24)
                .returnThinking(true).customParameters(custom).build();
    }

    static final Map<String, Object> THINKING_OFF = Map.of("chat_template_kwargs", Map.of("enable_thinking", false));

    static final ToolSpecification WEATHER = ToolSpecification.builder().name("get_weather").description("Current weather")
            .parameters(JsonObjectSchema.builder().addStringProperty("location").addIntegerProperty("days").required("location").build())
            .build();

    /** Parameters that make the random model answer with exactly one get_weather call (see OpenAiServerTest). */
    static Map<String, Object> forcedToolCall() {
        int[] ids = f.ids("</think>\n<tool_call>\n<function=get_weather>\n<parameter=location>\nParis\n</parameter>\n"
                + "<parameter=days>\n2\n</parameter>\n</function>\n</tool_call>\n");
        return Map.of("reasoning_budget", 0, "thinking_budget_grace_period", 0, "end_token_ids", Arrays.stream(ids).boxed().toList(),
                "logit_bias", Map.of(String.valueOf(f.bundle.tokenizer().tokenToId("<|im_end|>").orElseThrow()), 100));
    }

    /** Collects a streaming response. */
    static final class Collector implements StreamingChatResponseHandler {
        final StringBuilder text = new StringBuilder();
        final StringBuilder thinking = new StringBuilder();
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        @Override
        public void onPartialResponse(String partial) {
            text.append(partial);
        }

        @Override
        public void onPartialThinking(PartialThinking partial) {
            thinking.append(partial.text());
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }

        ChatResponse await() throws Exception {
            return done.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void plainChatWithThinkingOff() {
        ChatResponse r = model(THINKING_OFF).chat(ChatRequest.builder().messages(UserMessage.from("Say hello")).build());
        assertThat(r.aiMessage().text()).isNotBlank();
        assertThat(r.aiMessage().thinking()).isNull();
        assertThat(r.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
        assertThat(r.tokenUsage().inputTokenCount()).isPositive();
        assertThat(r.tokenUsage().outputTokenCount()).isBetween(1, 24);
        assertThat(r.modelName()).isEqualTo("tiny-a");
    }

    @Test
    void thinkingOnReturnsReasoningSeparately() {
        ChatResponse r = model(Map.of()).chat(ChatRequest.builder().messages(UserMessage.from("Think about it")).build());
        assertThat(r.aiMessage().thinking()).isNotBlank();
        assertThat(r.aiMessage().thinking()).doesNotContain("</think>");
    }

    @Test
    void streamingMatchesNonStreaming() throws Exception {
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Stream this")).build();
        ChatResponse whole = model(THINKING_OFF).chat(request);
        Collector c = new Collector();
        streamingModel(THINKING_OFF).chat(request, c);
        ChatResponse streamed = c.await();
        assertThat(c.text.toString()).isEqualTo(whole.aiMessage().text());
        assertThat(streamed.aiMessage().text()).isEqualTo(whole.aiMessage().text());
        assertThat(streamed.finishReason()).isEqualTo(whole.finishReason());
        assertThat(streamed.tokenUsage().outputTokenCount()).isEqualTo(whole.tokenUsage().outputTokenCount());

        Collector thinking = new Collector();
        streamingModel(Map.of()).chat(request, thinking);
        ChatResponse withThinking = thinking.await();
        assertThat(thinking.thinking.toString()).isNotBlank().isEqualTo(withThinking.aiMessage().thinking());
    }

    @Test
    void toolCallsPlainAndStreamingThenToolResult() throws Exception {
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Weather in Paris for 2 days?")).toolSpecifications(WEATHER)
                .parameters(OpenAiChatRequestParameters.builder().customParameters(forcedToolCall()).build()).build();
        OpenAiChatModel plain = OpenAiChatModel.builder().baseUrl(f.url("/v1")).apiKey(KEY).modelName("tiny-a").temperature(0.0)
                .maxTokens(80).returnThinking(true).build();
        ChatResponse r = plain.chat(request);
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        ToolExecutionRequest call = r.aiMessage().toolExecutionRequests().getFirst();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.arguments())).isEqualTo(JSON.readTree("{\"location\":\"Paris\",\"days\":2}"));
        assertThat(call.id()).startsWith("call_");

        Collector c = new Collector();
        OpenAiStreamingChatModel.builder().baseUrl(f.url("/v1")).apiKey(KEY).modelName("tiny-a").temperature(0.0).maxTokens(80).build()
                .chat(request, c);
        ChatResponse streamed = c.await();
        assertThat(streamed.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        ToolExecutionRequest streamedCall = streamed.aiMessage().toolExecutionRequests().getFirst();
        assertThat(streamedCall.name()).isEqualTo("get_weather");
        assertThat(streamedCall.arguments()).isEqualTo(call.arguments());

        // The client sends the call and its result back: the server renders the history and answers.
        ChatResponse next = model(Map.of()).chat(ChatRequest.builder().toolSpecifications(WEATHER).messages(List.of(
                UserMessage.from("Weather in Paris for 2 days?"), r.aiMessage(),
                ToolExecutionResultMessage.from(call, "{\"temperature\": 18}"))).build());
        assertThat(next.tokenUsage().inputTokenCount()).isGreaterThan(r.tokenUsage().inputTokenCount());
        assertThat(next.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH, FinishReason.TOOL_EXECUTION);
    }

    /** {@code ToolChoice.REQUIRED} reaches the server as {@code tool_choice: "required"}: the answer is constrained to a call. */
    @Test
    void requiredToolChoiceGivesACall() {
        ToolSpecification time = ToolSpecification.builder().name("get_time").description("Current time")
                .parameters(JsonObjectSchema.builder().build()).build();
        Map<String, Object> endAtOnce = Map.of("chat_template_kwargs", Map.of("enable_thinking", false),
                "logit_bias", Map.of(String.valueOf(f.bundle.tokenizer().tokenToId("<|im_end|>").orElseThrow()), 100));
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("What time is it?")).toolSpecifications(time)
                .toolChoice(ToolChoice.REQUIRED)
                .parameters(OpenAiChatRequestParameters.builder().customParameters(endAtOnce).build()).build();
        // room for the whole call and the end of the turn (a limit that cuts even the end of the turn is "length")
        ChatResponse r = OpenAiChatModel.builder().baseUrl(f.url("/v1")).apiKey(KEY).modelName("tiny-a").temperature(0.0)
                .maxTokens(80).build().chat(request);
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(r.aiMessage().toolExecutionRequests()).hasSize(1);
        assertThat(r.aiMessage().toolExecutionRequests().getFirst().name()).isEqualTo("get_time");
    }

    /**
     * Issue #17 item 3 through LangChain4j: a call opened inside unclosed reasoning is a call; a call cut by the token
     * limit is {@code LENGTH} with no tool execution request (an incomplete call is never executed), streamed or not.
     */
    @Test
    void callsInsideReasoningAndCallsCutByTheLimit() throws Exception {
        String call = "<tool_call>\n<function=get_weather>\n<parameter=location>\nParis\n</parameter>\n"
                + "<parameter=days>\n2\n</parameter>\n</function>\n</tool_call>\n";
        int imEnd = f.bundle.tokenizer().tokenToId("<|im_end|>").orElseThrow();
        int[] inReasoning = f.ids("I will look it up.\n" + call); // no </think>
        Map<String, Object> custom = Map.of("reasoning_budget", 0, "thinking_budget_grace_period", 0,
                "end_token_ids", Arrays.stream(inReasoning).boxed().toList(), "logit_bias", Map.of(String.valueOf(imEnd), 100));
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Weather in Paris for 2 days?")).toolSpecifications(WEATHER)
                .parameters(OpenAiChatRequestParameters.builder().customParameters(custom).build()).build();
        ChatResponse r = OpenAiChatModel.builder().baseUrl(f.url("/v1")).apiKey(KEY).modelName("tiny-a").temperature(0.0)
                .maxTokens(120).returnThinking(true).build().chat(request);
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(r.aiMessage().thinking()).isEqualTo("I will look it up.");
        assertThat(JSON.readTree(r.aiMessage().toolExecutionRequests().getFirst().arguments()))
                .isEqualTo(JSON.readTree("{\"location\":\"Paris\",\"days\":2}"));

        int cut = f.ids("</think>\n<tool_call>\n<function=get_weather>\n<parameter=location>\nPar").length;
        ChatRequest cutRequest = ChatRequest.builder().messages(UserMessage.from("Weather in Paris for 2 days?")).toolSpecifications(WEATHER)
                .parameters(OpenAiChatRequestParameters.builder().customParameters(forcedToolCall()).build()).build();
        ChatResponse cutPlain = OpenAiChatModel.builder().baseUrl(f.url("/v1")).apiKey(KEY).modelName("tiny-a").temperature(0.0)
                .maxTokens(cut).build().chat(cutRequest);
        assertThat(cutPlain.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(cutPlain.aiMessage().hasToolExecutionRequests()).isFalse();
        Collector c = new Collector();
        OpenAiStreamingChatModel.builder().baseUrl(f.url("/v1")).apiKey(KEY).modelName("tiny-a").temperature(0.0).maxTokens(cut).build()
                .chat(cutRequest, c);
        assertThat(c.await().finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void wrongKeyIsRejected() {
        var bad = OpenAiChatModel.builder().baseUrl(f.url("/v1")).apiKey("nope").modelName("tiny-a").maxRetries(0).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> bad.chat("hi")).hasMessageContaining("Incorrect or missing API key");
    }
}
