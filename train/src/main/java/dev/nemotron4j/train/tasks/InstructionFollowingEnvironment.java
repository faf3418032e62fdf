package dev.nemotron4j.train.tasks;

import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.output.ParsedOutput;
import dev.nemotron4j.chat.python.PythonText;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A request about a {@link Subject} ("Describe the sea.") followed, after one space, by one constraint:
 * "Answer in uppercase.", "Answer in lowercase." or "Answer in at most N words." (N from {@value #MIN_WORD_LIMIT}
 * to {@value #MAX_WORD_LIMIT}). The reference answer is made of the subject's facts, starting with the short one
 * that names it.
 *
 * <p>Verifier: a non-empty answer that mentions the subject's name (case-insensitively; so "OK." does not pass)
 * and meets the constraint: uppercase — at least one letter and no lowercase letter; lowercase — at least one letter
 * and no uppercase or titlecase letter; at most N words — between 1 and N runs of non-whitespace ({@link WordCount}).
 */
public final class InstructionFollowingEnvironment implements Environment {

    public static final String NAME = "instruction_following";
    public static final int MIN_WORD_LIMIT = 5;
    public static final int MAX_WORD_LIMIT = 30;

    private static final long SALT = 0x496E737472L;
    private static final List<String> REQUESTS = List.of("Describe %s.", "Tell me about %s.",
            "Write a few sentences about %s.", "Say something about %s.");

    /** The one constraint of a request. */
    public sealed interface Constraint permits Uppercase, Lowercase, MaxWords {
        /** The sentence the user appends. */
        String sentence();

        /** Whether an answer meets it, and if not, why not ({@code null} when it does). */
        String violation(String answer);
    }

    /** "Answer in uppercase." */
    public record Uppercase() implements Constraint {
        @Override
        public String sentence() {
            return "Answer in uppercase.";
        }

        @Override
        public String violation(String answer) {
            if (answer.codePoints().noneMatch(Character::isLetter)) return "no letters";
            return answer.codePoints().anyMatch(Character::isLowerCase) ? "has lowercase letters" : null;
        }
    }

    /** "Answer in lowercase." */
    public record Lowercase() implements Constraint {
        @Override
        public String sentence() {
            return "Answer in lowercase.";
        }

        @Override
        public String violation(String answer) {
            if (answer.codePoints().noneMatch(Character::isLetter)) return "no letters";
            return answer.codePoints().anyMatch(c -> Character.isUpperCase(c) || Character.isTitleCase(c))
                    ? "has uppercase letters" : null;
        }
    }

    /** "Answer in at most N words." */
    public record MaxWords(int limit) implements Constraint {
        @Override
        public String sentence() {
            return "Answer in at most " + limit + " words.";
        }

        @Override
        public String violation(String answer) {
            int words = WordCount.of(answer);
            return words > limit ? words + " words, more than " + limit : null;
        }
    }

    /** A sampled request: the subject, how it is asked, the constraint, and the facts the reference answer uses. */
    public record Request(Subject subject, String request, Constraint constraint, List<String> answerFacts) {
        public Request {
            answerFacts = List.copyOf(answerFacts);
        }

        /** The user message: the request, a space, the constraint. */
        public String question() {
            return request + " " + constraint.sentence();
        }

        /** The facts joined with spaces, then transformed as the constraint wants. */
        public String answer() {
            String text = String.join(" ", answerFacts);
            return switch (constraint) {
                case Uppercase u -> text.toUpperCase(Locale.ROOT);
                case Lowercase l -> text.toLowerCase(Locale.ROOT);
                case MaxWords m -> text;
            };
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The request of a seed. */
    public Request request(long seed) {
        SeededRandom random = new SeededRandom(seed, SALT);
        Subject subject = random.pick(Subject.ALL);
        String request = String.format(Locale.ROOT, random.pick(REQUESTS), subject.phrase());
        Constraint constraint = switch (random.nextInt(3)) {
            case 0 -> new Uppercase();
            case 1 -> new Lowercase();
            default -> new MaxWords(random.between(MIN_WORD_LIMIT, MAX_WORD_LIMIT));
        };
        List<String> others = shuffled(subject.facts().subList(1, subject.facts().size()), random);
        List<String> facts = new ArrayList<>(List.of(subject.facts().getFirst()));
        if (constraint instanceof MaxWords(int limit)) {
            int words = WordCount.of(facts.getFirst());
            for (String fact : others) {
                int more = WordCount.of(fact);
                if (words + more <= limit) {
                    facts.add(fact);
                    words += more;
                }
            }
        } else {
            facts.addAll(others.subList(0, random.between(1, Math.min(3, others.size()))));
        }
        return new Request(subject, request, constraint, facts);
    }

    @Override
    public Task sample(long seed) {
        return task(seed, request(seed));
    }

    /** The task of a given request. */
    public static Task task(long seed, Request request) {
        String answer = request.answer();
        String draft = String.join(" ", request.answerFacts());
        String reasoning = "Request: " + request.request() + "\n" + switch (request.constraint()) {
            case Uppercase u -> "Constraint: uppercase, every letter a capital.\nDraft: " + draft
                    + "\nI write the draft in uppercase.";
            case Lowercase l -> "Constraint: lowercase, no capital letters.\nDraft: " + draft
                    + "\nI write the draft in lowercase.";
            case MaxWords(int limit) -> "Constraint: at most " + limit + " words.\nDraft: " + draft
                    + "\nThat is " + WordCount.of(draft) + " words, within " + limit + ".";
        };
        Step step = new Step(ChatMessage.assistant(answer, reasoning, List.of()), ChatMessage.assistant(answer),
                List.of(), output -> verify(output, request));
        return new Task(NAME, seed, List.of(ChatMessage.user(request.question())), List.of(), List.of(step), null);
    }

    static Verdict verify(ParsedOutput output, Request request) {
        String content = output.content();
        if (content == null || PythonText.isBlank(content)) {
            return Verdict.malformed(output.reasoning() != null && content == null
                    ? "no answer: the reasoning was never closed with </think>" : "empty answer");
        }
        String answer = PythonText.strip(content);
        String violation = request.constraint().violation(answer);
        if (violation != null) return Verdict.wrong("\"" + request.constraint().sentence() + "\" not met: " + violation);
        if (!answer.toLowerCase(Locale.ROOT).contains(request.subject().name())) {
            return Verdict.wrong("the answer does not mention " + request.subject().name());
        }
        return Verdict.correct(request.constraint().sentence() + " met");
    }

    /** The subject's facts as a paragraph, then the short fact in uppercase, lowercase and within a word limit. */
    @Override
    public String pretrainingText(long seed) {
        SeededRandom random = new SeededRandom(seed, SALT ^ 0x5052455452L);
        Subject subject = random.pick(Subject.ALL);
        String first = subject.facts().getFirst();
        List<String> others = shuffled(subject.facts().subList(1, subject.facts().size()), random);
        return "About " + subject.phrase() + ": " + first + " " + String.join(" ", others) + "\n"
                + "In uppercase: " + first.toUpperCase(Locale.ROOT) + "\n"
                + "In lowercase: " + first.toLowerCase(Locale.ROOT) + "\n"
                + "In at most " + WordCount.of(first) + " words: " + first + "\n";
    }

    private static List<String> shuffled(List<String> items, SeededRandom random) {
        List<String> out = new ArrayList<>(items);
        for (int i = out.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String swap = out.get(i);
            out.set(i, out.get(j));
            out.set(j, swap);
        }
        return out;
    }
}
