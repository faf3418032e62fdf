package dev.nemotron4j.chat.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code response_format: json_object}: exactly one JSON object, byte by byte, with no dead ends. */
class JsonObjectGrammarTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static boolean accepts(String text) {
        return new JsonObjectGrammar(false).start().accepts(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Feeds byte by byte (each byte checked first); true if all were accepted and the object is complete. */
    private static boolean completeAfter(String text) {
        OutputGrammar.Matcher m = new JsonObjectGrammar(false).start();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            if (!m.accepts(new byte[] {b})) return false;
            m.advance(new byte[] {b});
        }
        return m.complete();
    }

    @Test
    void acceptsObjectsOfEveryKindOfValue() {
        for (String ok : List.of("{}", " {\"a\":1}", "{\"a\": [1, -2.5e+3, 0, 0.25, 1E-7, true, false, null, \"x\"], \"b\": {\"c\": {}}}",
                "{\"s\": \"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00\", \"é\": \"ü 中\"}",
                "{\n  \"k\" : [ ] ,\n  \"l\":[[],[{}]]\n}")) {
            assertThat(completeAfter(ok)).as(ok).isTrue();
            assertThat(accepts(ok)).as(ok).isTrue();
        }
    }

    @Test
    void refusesWhatIsNotOneJsonObject() {
        for (String bad : List.of("[1]", "\"a\"", "1", "   {}", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":01}", "{\"a\":-}",
                "{\"a\":1.}", "{\"a\":1e}", "{\"a\":.5}", "{\"a\":tru}x", "{\"a\":[1}", "{\"a\":{]}", "{} {}", "{}x",
                "{\"a\":\"tab\there\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":+1}")) {
            assertThat(completeAfter(bad)).as(bad).isFalse();
        }
        assertThat(accepts("{\"a\":" + " ".repeat(17) + "1}")).as("runs of whitespace are capped").isFalse();
        assertThat(accepts("{\"a\":" + " ".repeat(16) + "1}")).isTrue();
    }

    @Test
    void completeOnlyOnceTheObjectIsClosed() {
        OutputGrammar.Matcher m = new JsonObjectGrammar(false).start();
        m.advance("{\"n\": 12".getBytes(StandardCharsets.UTF_8));
        assertThat(m.complete()).isFalse();
        assertThat(m.accepts("}".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(m.complete()).as("probing does not move the matcher").isFalse();
        m.advance("}".getBytes(StandardCharsets.UTF_8));
        assertThat(m.complete()).isTrue();
        assertThat(m.accepts(" ".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void insideStringsOnlyQuotesBackslashesAndControlCharactersMatter() {
        OutputGrammar.Matcher m = new JsonObjectGrammar(false).start();
        m.advance("{\"key\": \"val".getBytes(StandardCharsets.UTF_8));
        assertThat(m.inText()).isTrue();
        assertThat(m.freeText()).isEqualTo(OutputGrammar.FreeText.NO_STRING_BREAK);
        m.advance("\\".getBytes(StandardCharsets.UTF_8));
        assertThat(m.freeText()).isEqualTo(OutputGrammar.FreeText.NONE);
    }

    @Test
    void reasoningIsFreeUntilItEnds() {
        OutputGrammar.Matcher m = new JsonObjectGrammar(true).start();
        assertThat(m.free()).isTrue();
        m.advance("I think {not json} </thin".getBytes(StandardCharsets.UTF_8));
        assertThat(m.free()).isTrue();
        m.advance("k>".getBytes(StandardCharsets.UTF_8));
        assertThat(m.free()).isFalse();
        assertThat(m.accepts("\n\n{}".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(m.accepts("Sure".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    /**
     * Random walks through the grammar: at every step some byte is accepted (no dead end), and whenever the walk
     * reaches a complete state the text is a JSON object Jackson reads.
     */
    @Test
    void randomWalksNeverDeadEndAndCompleteToValidJson() throws Exception {
        // ASCII only: the grammar checks bytes, the tokenizer's decoding makes them whole characters
        byte[] alphabet = "{}[],:\"\\/ \n0123456789-+.eEtrufalsnbx".getBytes(StandardCharsets.US_ASCII);
        Random rnd = new Random(5);
        int completed = 0;
        for (int walk = 0; walk < 400; walk++) {
            OutputGrammar.Matcher m = new JsonObjectGrammar(false).start();
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            for (int step = 0; step < 200 && !m.complete(); step++) {
                List<Byte> ok = new java.util.ArrayList<>();
                for (byte b : alphabet) if (m.accepts(new byte[] {b})) ok.add(b);
                assertThat(ok).as("a continuation after '%s'", bytes.toString(StandardCharsets.UTF_8)).isNotEmpty();
                // prefer closing brackets now and then so that walks finish
                byte b = ok.contains((byte) '}') && rnd.nextInt(4) == 0 ? (byte) '}' : ok.contains((byte) ']') && rnd.nextInt(3) == 0
                        ? (byte) ']' : ok.get(rnd.nextInt(ok.size()));
                m.advance(new byte[] {b});
                bytes.write(b);
            }
            if (m.complete()) {
                completed++;
                String json = bytes.toString(StandardCharsets.US_ASCII);
                assertThat(JSON.readTree(bytes.toByteArray()).isObject()).as(json).isTrue();
            }
        }
        assertThat(completed).as("walks that closed their object").isGreaterThan(50);
    }
}
