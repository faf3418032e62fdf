package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Java and JavaScript argument texts read as BFCL's type converters read them: every case's value was computed by
 * BFCL's own {@code java_type_converter} / {@code js_type_converter} (see the README beside the cases), and ours must
 * give the same value of the same Python type (an int is not a float, a converted value is not the text).
 */
class BfclLiteralsTest {

    static List<JsonNode> cases() {
        List<JsonNode> out = new ArrayList<>();
        BfclAstCheckerTest.resource("bfcl-literal-cases.json").forEach(out::add);
        return out;
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void readsTheTextAsBfclDoes(JsonNode c) {
        String items = c.path("items").isNull() ? null : c.path("items").asText();
        JsonNode ours = c.get("language").asText().equals("java") ? BfclLiterals.java(c.get("text").asText(), c.get("type").asText(), items)
                : BfclLiterals.javascript(c.get("text").asText(), c.get("type").asText(), items);
        assertSamePythonValue(ours, c.get("bfcl"), c.toString());
    }

    @Test
    void pythonsIntAndFloatOfText() {
        assertThat(BfclLiterals.pyInt(" -1_000 ")).hasValue(java.math.BigInteger.valueOf(-1000));
        assertThat(BfclLiterals.pyInt("1__0")).isEmpty();
        assertThat(BfclLiterals.pyInt("1.0")).isEmpty();
        assertThat(BfclLiterals.pyInt("\u0665")).hasValue(java.math.BigInteger.valueOf(5));   // Arabic-Indic five, as Python reads it
        assertThat(BfclLiterals.pyFloat("1e-3")).hasValue(0.001);
        assertThat(BfclLiterals.pyFloat(".5")).hasValue(0.5);
        assertThat(BfclLiterals.pyFloat("5.")).hasValue(5.0);
        assertThat(BfclLiterals.pyFloat("-Infinity")).hasValue(Double.NEGATIVE_INFINITY);
        assertThat(BfclLiterals.pyFloat("nan").orElseThrow()).isNaN();
        assertThat(BfclLiterals.pyFloat(".")).isEmpty();
        assertThat(BfclLiterals.pyFloat("1e")).isEmpty();
        // a converted inf compares as Python's floats do
        assertThat(BfclAstChecker.pyEquals(BfclLiterals.javaValue("Infinity"), com.fasterxml.jackson.databind.node.DoubleNode.valueOf(Double.POSITIVE_INFINITY))).isTrue();
    }

    private static void assertSamePythonValue(JsonNode ours, JsonNode bfcl, String where) {
        if (bfcl.isArray()) {
            assertThat(ours.isArray()).as(where + " -> " + ours).isTrue();
            assertThat(ours.size()).as(where + " -> " + ours).isEqualTo(bfcl.size());
            for (int i = 0; i < bfcl.size(); i++) assertSamePythonValue(ours.get(i), bfcl.get(i), where);
        } else if (bfcl.isObject()) {
            assertThat(ours.isObject()).as(where + " -> " + ours).isTrue();
            assertThat(ours.size()).as(where + " -> " + ours).isEqualTo(bfcl.size());
            bfcl.fieldNames().forEachRemaining(k -> assertSamePythonValue(ours.get(k), bfcl.get(k), where));
        } else if (bfcl.isIntegralNumber()) {
            assertThat(ours.isIntegralNumber()).as(where + " -> " + ours + " (an int)").isTrue();
            assertThat(ours.bigIntegerValue()).as(where).isEqualTo(bfcl.bigIntegerValue());
        } else if (bfcl.isNumber()) {
            assertThat(ours.isFloatingPointNumber()).as(where + " -> " + ours + " (a float)").isTrue();
            assertThat(ours.doubleValue()).as(where).isEqualTo(bfcl.doubleValue());
        } else {
            assertThat(ours).as(where).isEqualTo(bfcl);
        }
    }
}
