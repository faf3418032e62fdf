package dev.nemotron4j.chat.template;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.chat.ChatRequestReader;
import dev.nemotron4j.chat.ToolCall;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Java API without JSON input (the fixture tests cover the JSON path). */
class NemotronChatFormatTest {

    @Test
    void buildsTheToolLoopPromptFromRecords() throws Exception {
        ToolCall call = ToolCall.of("call_1", "get_weather",
                ChatRequestReader.parseArguments("{\"location\": \"Paris\", \"days\": 2}"));
        String prompt = NemotronChatFormat.render(List.of(
                        ChatMessage.user("Weather?"),
                        ChatMessage.assistant(null, "Call it.", List.of(call)),
                        ChatMessage.tool("call_1", "sunny")),
                List.of(), ChatRequestOptions.DEFAULTS.withEnableThinking(false));
        assertThat(prompt).isEqualTo("<|im_start|>system\n<|im_end|>\n"
                + "<|im_start|>user\nWeather?<|im_end|>\n"
                + "<|im_start|>assistant\n<think>\nCall it.\n</think>\n<tool_call>\n<function=get_weather>\n"
                + "<parameter=location>\nParis\n</parameter>\n<parameter=days>\n2\n</parameter>\n</function>\n</tool_call>\n<|im_end|>\n"
                + "<|im_start|>user\n<tool_response>\nsunny\n</tool_response>\n<|im_end|>\n"
                + "<|im_start|>assistant\n<think></think>");
    }

    @Test
    void contentPartsAreJoinedWithNewlines() throws Exception {
        var request = ChatRequestReader.read(new ObjectMapper().readTree(
                "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"a\"}, {\"type\": \"text\", \"text\": \"b\"}]}]}"));
        assertThat(request.messages().getFirst().content()).isEqualTo("a\nb");
        assertThat(request.options()).isEqualTo(ChatRequestOptions.DEFAULTS);
    }

    @Test
    void invalidRequestsFailClearly() {
        assertThatThrownBy(() -> NemotronChatFormat.render(List.of(), List.of(), ChatRequestOptions.DEFAULTS))
                .hasMessageContaining("at least one message");
        assertThatThrownBy(() -> ChatRequestReader.parseArguments("[1, 2]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> ChatRequestReader.read(new ObjectMapper().readTree(
                "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\", \"image_url\": {}}]}]}")))
                .hasMessageContaining("only text content parts");
    }
}
