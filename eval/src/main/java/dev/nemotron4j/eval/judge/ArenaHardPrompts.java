package dev.nemotron4j.eval.judge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.target.ChatMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Arena-Hard-Auto v2.0's judge prompts, kept as data ({@code arena-hard-judge.json}, with its source): the system prompt
 * of a question's category (the original Arena-Hard prompt, which has the judge answer first, or the creative-writing
 * one, which does not) and the user turn that shows the question and the two answers as assistant A and assistant B.
 */
public final class ArenaHardPrompts {
    private static final JsonNode DATA = load();

    private ArenaHardPrompts() {}

    /** Whether Arena-Hard has a judge prompt for {@code category}. */
    public static boolean knows(String category) {
        return DATA.path("categories").has(category);
    }

    public static List<String> categories() {
        TreeSet<String> names = new TreeSet<>();
        DATA.path("categories").fieldNames().forEachRemaining(names::add);
        return List.copyOf(names);
    }

    /** The baseline model Arena-Hard v2.0 compares a category against (for reports), if it names one. */
    public static Optional<String> baselineModel(String category) {
        JsonNode b = DATA.path("baselines").path(category);
        return b.isTextual() ? Optional.of(b.asText()) : Optional.empty();
    }

    /** The judge's two turns for one game: the category's system prompt, then the question with answers A and B. */
    public static List<ChatMessage> messages(String category, String question, String answerA, String answerB) {
        if (!knows(category)) throw new IllegalArgumentException("Arena-Hard has no judge prompt for category '" + category + "' (known: " + categories() + ")");
        String system = DATA.path("system_prompts").path(DATA.path("categories").path(category).asText()).asText();
        // placeholders filled in one pass, so an answer that happens to contain "{ANSWER_B}" is left as written
        String template = DATA.path("user_template").asText();
        StringBuilder user = new StringBuilder();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{(QUESTION|ANSWER_A|ANSWER_B)}").matcher(template);
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "QUESTION" -> question;
                case "ANSWER_A" -> answerA;
                default -> answerB;
            };
            m.appendReplacement(user, java.util.regex.Matcher.quoteReplacement(value));
        }
        m.appendTail(user);
        return List.of(ChatMessage.system(system), ChatMessage.user(user.toString()));
    }

    /** The verdict pattern Arena-Hard applies to the upper-cased judgment. */
    static String verdictPattern() { return DATA.path("verdict_pattern").asText(); }

    /** Hash of the prompts file: any change to a prompt or the template changes it (recorded in the lockfile). */
    public static String sha256() { return Sha256.ofCanonical(DATA); }

    private static JsonNode load() {
        try (InputStream in = ArenaHardPrompts.class.getResourceAsStream("/dev/nemotron4j/eval/arena-hard-judge.json")) {
            if (in == null) throw new IllegalStateException("arena-hard-judge.json missing from the eval jar");
            return CanonicalJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
