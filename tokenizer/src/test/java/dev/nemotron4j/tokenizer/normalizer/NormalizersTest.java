package dev.nemotron4j.tokenizer.normalizer;

import dev.nemotron4j.tokenizer.text.OnigurumaPattern;
import org.junit.jupiter.api.Test;

import java.text.Normalizer.Form;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NormalizersTest {

    @Test
    void unicodeForms() {
        String decomposed = "e\u0301";
        assertThat(new UnicodeNormalization(Form.NFC).normalize(decomposed)).isEqualTo("\u00E9");
        assertThat(new UnicodeNormalization(Form.NFD).normalize("\u00E9")).isEqualTo(decomposed);
        assertThat(new UnicodeNormalization(Form.NFKC).normalize("ｈｅｌｌｏ①ﬁ")).isEqualTo("hello1fi");
        assertThat(new UnicodeNormalization(Form.NFKD).normalize("\u00E9①")).isEqualTo("e\u03011");
    }

    @Test
    void lowercaseHasNoFinalSigmaRule() {
        assertThat(new Lowercase().normalize("ΣΑΣ HeLLo İ")).isEqualTo("σασ hello i\u0307");
    }

    @Test
    void replaceWithStringOrRegex() {
        assertThat(new Replace(OnigurumaPattern.literal(" "), "▁").normalize("a b  c")).isEqualTo("a▁b▁▁c");
        assertThat(new Replace(OnigurumaPattern.compile(" {2,}"), " ").normalize("a   b  c d")).isEqualTo("a b c d");
        assertThat(new Replace(OnigurumaPattern.literal("$1"), "\\").normalize("x$1y")).isEqualTo("x\\y");
    }

    @Test
    void prependStripAndSequence() {
        assertThat(new Prepend("▁").normalize("hi")).isEqualTo("▁hi");
        assertThat(new Prepend("▁").normalize("")).isEmpty();
        assertThat(new Strip(true, true).normalize("\u00A0 hi \n")).isEqualTo("hi");
        assertThat(new Strip(true, false).normalize("  hi  ")).isEqualTo("hi  ");
        assertThat(new Strip(false, true).normalize("   ")).isEmpty();
        Normalizer seq = new NormalizerSequence(List.of(new UnicodeNormalization(Form.NFD), new StripAccents(),
                new Lowercase()));
        assertThat(seq.normalize("Crème Brûlée")).isEqualTo("creme brulee");
    }

    @Test
    void bertNormalizerCleansSpacesCjkAndAccents() {
        assertThat(new BertNormalizer(true, true, true, true).normalize("Héllo\tW\u0000orld中文"))
                .isEqualTo("hello world 中  文 ");
    }
}
