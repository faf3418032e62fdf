package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.extract.Extraction;
import dev.nemotron4j.eval.json.CanonicalJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our BFCL AST checker agrees with BFCL's own on hand-made cases: int/float/bool strictness, string standardisation,
 * lists, dicts, lists of dicts, optional and required parameters, variables, function names, call counts, parallel
 * order; for simple_java and simple_javascript, arguments as Java and JavaScript source text. The expected verdicts
 * were computed by BFCL's ast_checker.py (see the README beside the cases).
 */
class BfclAstCheckerTest {

    /** The Python cases, then the simple_java and simple_javascript ones. */
    static List<JsonNode> cases() {
        List<JsonNode> out = new ArrayList<>();
        resource("bfcl-ast-cases.json").forEach(out::add);
        resource("bfcl-ast-java-js-cases.json").forEach(out::add);
        return out;
    }

    static JsonNode resource(String name) {
        try (InputStream in = BfclAstCheckerTest.class.getResourceAsStream("/dev/nemotron4j/eval/bfcl/" + name)) {
            return CanonicalJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void agreesWithBfcl(JsonNode c) {
        BfclAstChecker.Verdict v = BfclAstChecker.check(c.get("calls"), c.get("ground_truth"), c.get("functions"), c.get("category").asText());
        assertThat(v.valid()).as(c.get("name").asText() + ": " + v).isEqualTo(c.at("/bfcl/valid").asBoolean());
        if (!v.valid()) assertThat(v.errorType()).as(c.get("name").asText()).isEqualTo(c.at("/bfcl/error_type").asText());
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void theToolCallScorerAppliesItToBfclReferences(JsonNode c) {
        JsonNode expected = CanonicalJson.parse(CanonicalJson.canonical(java.util.Map.of("ground_truth", c.get("ground_truth"),
                "functions", c.get("functions"), "category", c.get("category"))));
        Scored s = new ToolCallMatchScorer().judge(new Extraction(CanonicalJson.canonical(c.get("calls")), "tool_calls"), expected);
        assertThat(s.score()).as(c.get("name").asText()).isEqualTo(c.at("/bfcl/valid").asBoolean() ? 1.0 : 0.0);
        if (s.score() == 0) assertThat(s.details().path("error_type").asText()).isEqualTo(c.at("/bfcl/error_type").asText());
    }
}
