package dev.nemotron4j.train.data;

import dev.nemotron4j.chat.ChatMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonlExamplesTest {

    @TempDir
    Path tmp;

    @Test
    void readsTextAndChatRecords() throws Exception {
        Path file = tmp.resolve("data.jsonl");
        Files.write(file, List.of(
                "{\"text\": \"Once upon a time.\"}",
                "",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Weather in Oslo?\"},"
                        + " {\"role\": \"assistant\", \"content\": null, \"reasoning_content\": \"Call the tool.\","
                        + "  \"tool_calls\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\","
                        + "  \"arguments\": \"{\\\"city\\\": \\\"Oslo\\\"}\"}}]}],"
                        + " \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\","
                        + "  \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}}}],"
                        + " \"chat_template_kwargs\": {\"truncate_history_thinking\": false}}"));
        List<Example> examples = JsonlExamples.read(file);
        assertThat(examples).hasSize(2);
        assertThat(examples.get(0)).isEqualTo(new Example.Text("Once upon a time."));
        Example.Chat chat = (Example.Chat) examples.get(1);
        assertThat(chat.firstTrainedMessage()).isZero();
        assertThat(chat.conversation().tools()).hasSize(1);
        assertThat(chat.conversation().options().truncateHistoryThinking()).isFalse();
        ChatMessage assistant = chat.conversation().messages().get(1);
        assertThat(assistant.reasoningContent()).isEqualTo("Call the tool.");
        assertThat(assistant.toolCalls().getFirst().arguments().get("city").asText()).isEqualTo("Oslo");
        assertThat(chat.corpusText()).contains("<tool_call>\n<function=get_weather>\n<parameter=city>\nOslo\n</parameter>")
                .endsWith("</tool_call>\n<|im_end|>\n");
    }

    @Test
    void aBadLineNamesFileAndLine() throws Exception {
        Path file = tmp.resolve("bad.jsonl");
        Files.write(file, List.of("{\"text\": \"fine\"}", "{\"txt\": \"typo\"}"));
        assertThatThrownBy(() -> JsonlExamples.read(file)).hasMessageContaining("bad.jsonl line 2")
                .hasMessageContaining("\"text\"");
        Files.write(file, List.of("{\"messages\": []}"));
        assertThatThrownBy(() -> JsonlExamples.read(file)).hasMessageContaining("line 1").hasMessageContaining("messages");
        Files.write(file, List.of("{\"text\": "));
        assertThatThrownBy(() -> JsonlExamples.read(file)).hasMessageContaining("line 1: bad JSON");
    }
}
