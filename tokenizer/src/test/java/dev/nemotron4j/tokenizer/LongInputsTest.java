package dev.nemotron4j.tokenizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Very long and repetitive inputs encode without stack overflow or failure; llama3 and deepseek_v3 round-trip any
 * text, so decode(encode(x)) == x is checked too. How long they take is measured by
 * {@link LongInputBenchmark} (docs/BENCHMARKS.md), not asserted here.
 */
public class LongInputsTest {

    /** The long inputs, by name (shared with the benchmark). */
    public static Map<String, String> inputs() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("spaces", " ".repeat(200_000));
        m.put("spaces then word", " ".repeat(200_000) + "word");
        m.put("newlines and spaces", " \n \r\n\t ".repeat(40_000));
        m.put("letters", "a".repeat(200_000));
        m.put("uppercase", "ABC".repeat(70_000));
        m.put("digits", "1234567890".repeat(20_000));
        m.put("punctuation", "!?.,;:-_".repeat(25_000));
        m.put("cjk", "中文字符".repeat(50_000));
        m.put("emoji", "👩‍👩‍👧🦩".repeat(20_000));
        m.put("code", "for (int i = 0; i < n; i++) {\n    sum += a[i] * b[i];\n}\n".repeat(3_000));
        m.put("apostrophes", "'s'S'".repeat(40_000));
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "deepseek_v3", "qwen3"})
    void longInputsEncodeAndRoundTrip(String name) {
        Tokenizer t = Fixtures.reference(name);
        for (Map.Entry<String, String> e : inputs().entrySet()) {
            String text = e.getValue();
            int[] ids = t.encode(text, false);
            assertThat(ids).as("%s: %s", name, e.getKey()).isNotEmpty();
            if (!name.equals("qwen3")) {
                assertThat(t.decode(ids, false)).as("%s: round trip of %s", name, e.getKey()).isEqualTo(text);
            }
        }
    }
}
