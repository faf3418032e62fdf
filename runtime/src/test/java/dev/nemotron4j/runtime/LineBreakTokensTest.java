package dev.nemotron4j.runtime;

import dev.nemotron4j.testkit.TestData;
import dev.nemotron4j.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The reasoning budget's line-break lookup agrees with decoding each token, on the tiny models' real tokenizer. */
class LineBreakTokensTest {

    @Test
    void agreesWithDecodingEveryToken() throws Exception {
        Tokenizer tokenizer = Tokenizer.load(TestData.tiny("tiny-a").resolve("tokenizer.json"));
        int vocab = tokenizer.vocabSize();
        LineBreakTokens lineBreaks = new LineBreakTokens(tokenizer, vocab - 10); // the last ids past the table: decoded each time
        int withBreak = 0;
        for (int pass = 0; pass < 2; pass++) { // the second pass answers from the table
            for (int id = 0; id < vocab; id++) {
                boolean expected = tokenizer.decode(new int[] {id}, false).indexOf('\n') >= 0;
                assertThat(lineBreaks.contains(id)).as("id %d", id).isEqualTo(expected);
                if (pass == 0 && expected) withBreak++;
            }
        }
        assertThat(withBreak).as("tokens holding a line break").isGreaterThan(0).isLessThan(vocab / 2);
        assertThat(lineBreaks.contains(tokenizer.encode("\n", false)[0])).isTrue();
    }
}
