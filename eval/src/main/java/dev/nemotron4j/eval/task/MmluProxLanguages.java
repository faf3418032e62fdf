package dev.nemotron4j.eval.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.json.CanonicalJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * MMLU-ProX's prompt in each of its 29 languages (resource {@code mmlu-prox-languages.json}, with its source): the
 * localized instruction naming the subject and the closing phrase ("the answer is (X)"), the question and options
 * labels and the chain-of-thought lead, laid out as MMLU-Pro's chain-of-thought prompt, zero-shot.
 */
public final class MmluProxLanguages {
    private MmluProxLanguages() {}

    private static final JsonNode LANGUAGES = load().get("languages");

    public static boolean knows(String language) {
        return LANGUAGES.has(language);
    }

    public static List<String> languages() {
        List<String> out = new java.util.ArrayList<>();
        LANGUAGES.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /**
     * The zero-shot prompt: instruction (subject and closing phrase filled in), then the labelled question, the options
     * as {@code A. ...} lines and the chain-of-thought lead.
     *
     * @param category the dataset's category ({@code computer science}), one of MMLU-Pro's 14
     */
    public static String prompt(String language, String category, String question, List<String> options) {
        JsonNode lang = language(language);
        String subjectKey = category.strip().replace(' ', '_');
        JsonNode subject = lang.get("subjects").get(subjectKey);
        if (subject == null) {
            throw new IllegalArgumentException("MMLU-ProX: unknown category '" + category + "' (known: "
                    + new TreeSet<>(fieldNames(lang.get("subjects"))).toString().replace('_', ' ') + ")");
        }
        String closing = lang.get("answer_phrase").asText().replace("({})", "(X)");
        StringBuilder p = new StringBuilder(lang.get("instruction").asText()
                .replace("{subject}", subject.asText()).replace("{ans_suffix}", closing)).append('\n');
        p.append(lang.get("question").asText()).append('\n').append(question).append('\n');
        p.append(lang.get("options").asText()).append('\n');
        for (int i = 0; i < options.size(); i++) p.append((char) ('A' + i)).append(". ").append(options.get(i)).append('\n');
        return p.append(lang.get("answer_lead").asText()).toString();
    }

    /**
     * The regular expression that finds the letter in the language's closing phrase, as lm-evaluation-harness builds it
     * ({@code (X)} becomes an optionally parenthesised letter A–J; English drops its leading "the"); here the phrase
     * matches in any case, the letter only in upper case, and the last occurrence wins.
     */
    public static String answerPattern(String language) {
        String phrase = language(language).get("answer_phrase").asText();
        if (language.equals("en") && phrase.startsWith("the ")) phrase = phrase.substring(4);
        int at = phrase.indexOf("({})");
        // the phrase in any case, the letter upper case only ("the answer is a bit" names no option)
        return ci(phrase.substring(0, at)) + "\\(?([A-J])\\)?" + ci(phrase.substring(at + 4));
    }

    private static String ci(String literal) {
        return literal.isEmpty() ? "" : "(?iu:" + Pattern.quote(literal) + ")";
    }

    private static JsonNode language(String language) {
        JsonNode lang = LANGUAGES.get(language);
        if (lang == null) throw new IllegalArgumentException("MMLU-ProX: unknown language '" + language + "' (known: " + new TreeSet<>(languages()) + ")");
        return lang;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> out = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static JsonNode load() {
        try (InputStream in = MmluProxLanguages.class.getResourceAsStream("/dev/nemotron4j/eval/mmlu-prox-languages.json")) {
            if (in == null) throw new IllegalStateException("resource mmlu-prox-languages.json missing from the eval module");
            return CanonicalJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read mmlu-prox-languages.json", e);
        }
    }
}
