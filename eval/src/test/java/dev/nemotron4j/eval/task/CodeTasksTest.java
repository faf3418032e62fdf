package dev.nemotron4j.eval.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LiveCodeBench's test-case encodings and prompt. */
class CodeTasksTest {

    @Test
    void privateTestsInLiveCodeBenchsCompressedFormAreRead() {
        // base64(zlib(pickle(json string))), protocol 4 with a frame, as code_generation_lite publishes them
        String packed = "eJxrYJnqwAABPTbR1UqZeQWlJUpWCkqGBgq6JjF5SjoKSvmlJVBBM4hASWpxSUllQSpIqLgkJTNPqTZ2ih4A0KgVAw==";
        List<JsonNode> tests = CodeTasks.testList(TextNode.valueOf(packed));
        assertThat(tests).hasSize(1);
        assertThat(tests.getFirst().toString()).isEqualTo("{\"input\":\"10 -4\\n\",\"output\":\"6\\n\",\"testtype\":\"stdin\"}");
        assertThat(CodeTasks.testList(TextNode.valueOf("[{\"input\": \"1\", \"output\": \"2\"}]"))).hasSize(1);
        assertThat(CodeTasks.testList(TextNode.valueOf(""))).isEmpty();
        assertThatThrownBy(() -> CodeTasks.testList(TextNode.valueOf("not base64 !"))).hasMessageContaining("neither JSON nor base64");
        // a pickle holding anything but one string is refused, never interpreted
        String list = java.util.Base64.getEncoder().encodeToString(deflate(new byte[] {(byte) 0x80, 4, ']', (byte) 0x94, '.'}));
        assertThatThrownBy(() -> CodeTasks.testList(TextNode.valueOf(list))).hasMessageContaining("does not hold a string");
    }

    private static byte[] deflate(byte[] data) {
        java.util.zip.Deflater d = new java.util.zip.Deflater();
        d.setInput(data);
        d.finish();
        byte[] out = new byte[256];
        int n = d.deflate(out);
        d.end();
        return java.util.Arrays.copyOf(out, n);
    }

    @Test
    void thePromptIsLiveCodeBenchsWithOrWithoutStarterCode() {
        assertThat(CodeTasks.liveCodeBenchPrompt("Add.", "")).isEqualTo("### Question:\nAdd.\n\n### Format: " + CodeTasks.LCB_WITHOUT_STARTER
                + "\n```python\n# YOUR CODE HERE\n```\n\n### Answer: (use the provided format with backticks)\n\n");
        assertThat(CodeTasks.liveCodeBenchPrompt("Add.", "class Solution:\n    def f(self):\n        "))
                .contains("### Format: " + CodeTasks.LCB_WITH_STARTER + "\n```python\nclass Solution:\n    def f(self):\n        \n```\n");
    }
}
