package dev.nemotron4j.eval.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.score.BfclAstChecker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BFCL's functions become the tools BFCL's function-calling mode offers an OpenAI-compatible endpoint: each case's
 * tool was computed by BFCL's own {@code _func_doc_language_specific_pre_processing} and {@code convert_to_tool}
 * (see the README beside the cases): language hints, Java and JavaScript parameters as described strings, a
 * JavaScript object's schema as {@code json.dumps} writes it, float parameters' format and note.
 */
class BfclToolsTest {

    static List<JsonNode> cases() {
        try (InputStream in = BfclToolsTest.class.getResourceAsStream("/dev/nemotron4j/eval/bfcl/bfcl-tool-cases.json")) {
            List<JsonNode> out = new ArrayList<>();
            CanonicalJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)).forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void theToolIsBfcls(JsonNode c) {
        JsonNode ours = BfclTools.tool(c.get("function"), BfclAstChecker.Language.of(c.get("category").asText()));
        assertThat(ours).isEqualTo(c.get("bfcl"));
    }

    @Test
    void floatsAreWrittenAsPythonsRepr() {
        assertThat(BfclTools.pythonFloat(0.5)).isEqualTo("0.5");
        assertThat(BfclTools.pythonFloat(2.0)).isEqualTo("2.0");
        assertThat(BfclTools.pythonFloat(1e-5)).isEqualTo("1e-05");
        assertThat(BfclTools.pythonFloat(0.0001)).isEqualTo("0.0001");
        assertThat(BfclTools.pythonFloat(1e16)).isEqualTo("1e+16");
        assertThat(BfclTools.pythonFloat(123456789012345.6)).isEqualTo("123456789012345.6");
        assertThat(BfclTools.pythonFloat(-2.5e-7)).isEqualTo("-2.5e-07");
        assertThat(BfclTools.pythonFloat(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(BfclTools.pythonJson(CanonicalJson.parse("{\"a\": [1, 2.5, true, null], \"b\": \"\\u00e9\\n\\\"\"}")))
                .isEqualTo("{\"a\": [1, 2.5, true, null], \"b\": \"\\u00e9\\n\\\"\"}");
    }
}
