package dev.nemotron4j.tokenizer.text;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnigurumaPatternTest {

    /** The o200k (gpt-4o / gpt-oss) pre-tokenizer regex as written in tokenizer.json. */
    static final String O200K = "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
            + "(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+"
            + "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*"
            + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static List<String> matches(Pattern p, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    @Test
    void o200kSplitsCamelCaseContractionsAndDigitGroups() {
        Pattern p = OnigurumaPattern.compile(O200K);
        assertThat(matches(p, "HelloWorld THEY'RE 12345 path/to\n\n  x"))
                .containsExactly("Hello", "World", " THEY'RE", " ", "123", "45", " path", "/to", "\n\n", " ", " x");
    }

    @Test
    void whitespaceClassIsUnicode() {
        Pattern p = OnigurumaPattern.compile("\\s+");
        assertThat(matches(p, "a\u00A0\u2003\u3000b\u0085c")).containsExactly("\u00A0\u2003\u3000", "\u0085");
    }

    @Test
    void onigurumaSpellingsAreTranslated() {
        assertThat(OnigurumaPattern.translate("\\p{Han}+")).isEqualTo("\\p{IsHan}+");
        assertThat(matches(OnigurumaPattern.compile("\\p{Han}+"), "ab中文cd")).containsExactly("中文");
        assertThat(matches(OnigurumaPattern.compile("\\h+"), "xyz0aFg")).containsExactly("0aF");
        assertThat(matches(OnigurumaPattern.compile("a{,x}"), "a{,x}")).containsExactly("a{,x}");
        assertThat(matches(OnigurumaPattern.compile("[[:alpha:]]+"), "éa1")).containsExactly("éa");
        assertThat(matches(OnigurumaPattern.compile("[]a]+"), "]a]b")).containsExactly("]a]");
        // (?m) in Oniguruma lets '.' match a newline.
        assertThat(matches(OnigurumaPattern.compile("(?m:a.b)"), "a\nb")).containsExactly("a\nb");
        assertThat(matches(OnigurumaPattern.compile("\\d+"), "x٣4")).containsExactly("٣4");
    }

    @Test
    void possessiveAndAtomicGroupsWork() {
        assertThat(matches(OnigurumaPattern.compile("[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*"),
                " hello, 42")).containsExactly(" hello", ",", "4", "2");
        assertThat(matches(OnigurumaPattern.compile("(?>a+)b"), "aaab")).containsExactly("aaab");
    }

    @Test
    void longInputsMatchWithoutStackOverflow() {
        // Speed on such inputs is measured by dev.nemotron4j.tokenizer.LongInputBenchmark (docs/BENCHMARKS.md), not asserted here.
        Pattern p = OnigurumaPattern.compile(O200K);
        for (String text : List.of("A".repeat(100_000), " ".repeat(100_000) + "x", "中".repeat(100_000),
                "aA".repeat(50_000), "\t \n".repeat(30_000))) {
            int count = matches(p, text).size();
            assertThat(count).isPositive();
        }
    }

    @Test
    void invalidRegexIsReportedWithThePattern() {
        assertThatThrownBy(() -> OnigurumaPattern.compile("(unclosed"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(unclosed");
    }
}
