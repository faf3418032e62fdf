package dev.nemotron4j.chat.template;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatTemplatesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path TINY_MODEL = Path.of("../testdata/tiny/tiny-a");

    static String realTemplate() throws IOException {
        return ChatTemplates.loadFromTokenizerConfig(TINY_MODEL.resolve("tokenizer_config.json"));
    }

    @Test
    void recognisesTheRealTemplateWithAnyLineEndings() throws IOException {
        String template = realTemplate();
        assertThat(template).contains("truncate_history_thinking");
        assertThat(ChatTemplates.identify(template)).isEqualTo(SupportedChatTemplate.NEMOTRON_3_NANO);
        assertThat(ChatTemplates.identify(template.replace("\n", "\r\n"))).isEqualTo(SupportedChatTemplate.NEMOTRON_3_NANO);
        assertThat(ChatTemplates.identify("\uFEFF" + template.strip() + "\r\n\r\n")).isEqualTo(SupportedChatTemplate.NEMOTRON_3_NANO);
    }

    @Test
    void rejectsOtherTemplatesWithAClearMessage() throws IOException {
        String chatMl = "{% for message in messages %}<|im_start|>{{ message.role }}\n{{ message.content }}<|im_end|>\n{% endfor %}";
        assertThatThrownBy(() -> ChatTemplates.identify(chatMl))
                .isInstanceOf(UnsupportedChatTemplateException.class)
                .hasMessageContaining("not supported")
                .hasMessageContaining("Nemotron 3 Nano");
        // A one-character edit of the real template is a different template.
        String edited = realTemplate().replace("<tools>", "<tool-list>");
        assertThatThrownBy(() -> ChatTemplates.identify(edited)).isInstanceOf(UnsupportedChatTemplateException.class);
        assertThatThrownBy(() -> ChatTemplates.identify("")).hasMessageContaining("no chat template");
    }

    @Test
    void readsTheNamedListFormOfTokenizerConfig(@TempDir Path dir) throws IOException {
        ObjectNode config = JSON.createObjectNode();
        var list = config.putArray("chat_template");
        list.addObject().put("name", "tool_use").put("template", "other");
        list.addObject().put("name", "default").put("template", realTemplate());
        Files.writeString(dir.resolve("tokenizer_config.json"), JSON.writeValueAsString(config));
        assertThat(ChatTemplates.forModelDirectory(dir)).isEqualTo(SupportedChatTemplate.NEMOTRON_3_NANO);
    }

    @Test
    void prefersAChatTemplateJinjaFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"{{ messages }}\"}");
        Files.writeString(dir.resolve("chat_template.jinja"), realTemplate());
        assertThat(ChatTemplates.forModelDirectory(dir)).isEqualTo(SupportedChatTemplate.NEMOTRON_3_NANO);
    }

    @Test
    void missingTemplateIsAnError(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> ChatTemplates.forModelDirectory(dir)).hasMessageContaining("no chat template");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        assertThatThrownBy(() -> ChatTemplates.forModelDirectory(dir)).hasMessageContaining("has no chat_template");
    }
}
