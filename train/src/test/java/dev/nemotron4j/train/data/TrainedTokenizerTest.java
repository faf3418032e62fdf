package dev.nemotron4j.train.data;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.nemotron4j.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tokenizer trained here, written as tokenizer.json, must load in the project's tokenizer and in Hugging Face's own
 * (Rust) library and give the same ids; training must be reproducible byte for byte, and merges must compress.
 */
class TrainedTokenizerTest {

    @TempDir
    Path tmp;

    private static List<String> corpus() {
        List<String> texts = new ArrayList<>(TestCorpus.stressStrings());
        texts.addAll(TestCorpus.chatRenders());
        return texts;
    }

    private static BpeTrainer.Vocabulary train(List<String> texts, int vocabSize) {
        TokenizerTraining training = new TokenizerTraining();
        texts.forEach(training::add);
        return training.train(vocabSize, 2);
    }

    @Test
    void encodesLikeTheRustLibraryAndKeepsTheChatTagsWhole() throws Exception {
        List<String> texts = corpus();
        Path file = tmp.resolve("tokenizer.json");
        TokenizerFiles.writeTokenizer(train(texts, 1200), file);
        Tokenizer ours = Tokenizer.load(file);
        assertThat(ours.vocabSize()).isEqualTo(1200);
        List<String> mismatches = new ArrayList<>();
        try (HuggingFaceTokenizer reference = HuggingFaceTokenizer.newInstance(file, Map.of("truncation", "false", "padding", "false"))) {
            for (String text : texts) {
                for (boolean special : new boolean[] {false, true}) {
                    Encoding encoding = reference.encode(text, special, false);
                    int[] expected = Arrays.stream(encoding.getIds()).mapToInt(Math::toIntExact).toArray();
                    int[] actual = ours.encode(text, special);
                    if (!Arrays.equals(expected, actual)) mismatches.add(describe(ours, text, special, expected, actual));
                }
                long[] ids = reference.encode(text, false, false).getIds();
                int[] intIds = Arrays.stream(ids).mapToInt(Math::toIntExact).toArray();
                if (!reference.decode(ids, false).equals(ours.decode(intIds, false))) mismatches.add("[decode] " + text);
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(ours.encode("x", true)).startsWith(1);
        for (int i = 0; i < ReservedTokens.CHAT_TAGS.size(); i++) {
            String tag = ReservedTokens.CHAT_TAGS.get(i);
            assertThat(ours.encode("a" + tag + "b", false)).as(tag).contains(10 + i).hasSize(3);
            assertThat(ours.isSpecial(10 + i)).isTrue();
        }
    }

    private static double tokensPerByte(List<String> train, int vocabSize, List<String> measured) {
        Tokenizer tokenizer = Tokenizer.fromJson(TokenizerFiles.tokenizerJson(train(train, vocabSize)));
        return TokenizerTraining.tokensPerByte(tokenizer, measured);
    }

    /** Where the two encodings part, with the tokens around it. */
    private static String describe(Tokenizer tokenizer, String text, boolean special, int[] expected, int[] actual) {
        int at = Arrays.mismatch(expected, actual);
        StringBuilder s = new StringBuilder(special ? "[with BOS] " : "").append('"')
                .append(text.length() > 60 ? text.substring(0, 60) + "…" : text).append("\" differs at token ").append(at);
        for (int[] ids : new int[][] {expected, actual}) {
            s.append(ids == expected ? "\n  rust: " : "\n  ours: ");
            for (int i = Math.max(0, at - 3); i < Math.min(ids.length, at + 4); i++) {
                s.append(ids[i]).append('(').append(tokenizer.idToToken(ids[i])).append(") ");
            }
        }
        return s.toString();
    }

    @Test
    void trainingTwiceWritesTheSameBytes() throws Exception {
        List<String> texts = corpus();
        Path first = tmp.resolve("a/tokenizer.json");
        Path second = tmp.resolve("b/tokenizer.json");
        TokenizerFiles.writeTokenizer(train(texts, 800), first);
        TokenizerFiles.writeTokenizer(train(texts, 800), second);
        assertThat(Files.readAllBytes(first)).isEqualTo(Files.readAllBytes(second));
        TokenizerFiles.writeTokenizerConfig(tmp.resolve("a/tokenizer_config.json"));
        TokenizerFiles.writeTokenizerConfig(tmp.resolve("b/tokenizer_config.json"));
        assertThat(Files.readAllBytes(tmp.resolve("a/tokenizer_config.json")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("b/tokenizer_config.json")));
    }

    @Test
    void moreMergesGiveFewerTokensPerByteOnHeldOutText() {
        List<String> prose = new ArrayList<>();
        List<String> strings = TestCorpus.stressStrings();
        List<String> categories = TestCorpus.stressCategories();
        for (int i = 0; i < strings.size(); i++) {
            if (categories.get(i).equals("prose") || categories.get(i).equals("code")) prose.add(strings.get(i));
        }
        List<String> train = new ArrayList<>(TestCorpus.chatRenders());
        List<String> heldOut = new ArrayList<>();
        for (int i = 0; i < prose.size(); i++) (i % 4 == 3 ? heldOut : train).add(prose.get(i));

        // held-out prose and code: 1.0 with bytes only, 0.89 with 112 merges, 0.76 with 712 (a small corpus: chats
        // and 2 kB of prose); on the training text itself 0.27
        double bytesOnly = tokensPerByte(train, 288, heldOut);
        double small = tokensPerByte(train, 400, heldOut);
        double large = tokensPerByte(train, 1000, heldOut);
        assertThat(bytesOnly).isEqualTo(1.0);
        assertThat(small).isLessThan(0.92);
        assertThat(large).isLessThan(small - 0.1);
        assertThat(tokensPerByte(train, 1000, train)).isLessThan(0.35);
    }
}
