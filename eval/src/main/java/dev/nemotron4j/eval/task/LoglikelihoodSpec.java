package dev.nemotron4j.eval.task;

import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.target.GenerationRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How a multiple-choice task is scored by log-likelihood: what follows the context for each option (its letter, or
 * its text), whether the winner is the most likely option (acc) or the most likely per character (acc_norm), and the
 * solved examples put before the question (few-shot).
 *
 * @param normalize  acc_norm: compare log-likelihood divided by the continuation's length in characters
 * @param choiceText options continue the context with " " + their text instead of " A", " B", ...
 * @param shots      few-shot examples per question
 * @param pool       where examples come from (a dev split, or the task's own items)
 * @param ownItems   the pool is the task's own items (the asked item is never its own example)
 * @param seed       seeded choice of examples per item; null with a separate pool: its first {@code shots} items
 * @param matchField when set, an item's examples are the pool's items whose field of this name equals the item's
 *                   (MMLU: the dev split's examples of the question's own subject)
 */
public record LoglikelihoodSpec(boolean normalize, boolean choiceText, int shots, List<EvalItem> pool, boolean ownItems, Long seed,
                                String matchField) {

    public LoglikelihoodSpec {
        pool = pool == null ? List.of() : List.copyOf(pool);
        if (shots < 0) throw new IllegalArgumentException("few_shot.count must not be negative");
        if (shots > 0 && pool.size() < shots + (ownItems ? 1 : 0)) {
            throw new IllegalArgumentException("few_shot.count " + shots + " needs at least that many example items (" + pool.size() + " available)");
        }
    }

    public static final LoglikelihoodSpec LETTERS = new LoglikelihoodSpec(false, false, 0, List.of(), false, null, null);

    /** The context for an item: its examples, each with its answer, then the item's prompt (and "\nAnswer:" for letters). */
    public String context(TaskDefinition task, EvalItem item) {
        StringBuilder sb = new StringBuilder();
        for (EvalItem example : examples(task.name(), item)) {
            sb.append(question(task, example)).append(continuation(task, example, correctIndex(example))).append("\n\n");
        }
        return sb.append(question(task, item)).toString();
    }

    /** What option {@code i} of an item adds after the context. */
    public String continuation(TaskDefinition task, EvalItem item, int i) {
        if (!choiceText) return " " + (char) ('A' + i);
        var choices = item.fields().get(task.choicesField());
        return " " + choices.get(i).asText();
    }

    private String question(TaskDefinition task, EvalItem item) {
        String text = GenerationRequest.joinContents(task.prompt().render(item, task.choicesField()));
        return choiceText ? text : text + "\nAnswer:";
    }

    private static int correctIndex(EvalItem item) {
        String letter = item.expected().asText();
        if (letter.length() != 1 || letter.charAt(0) < 'A' || letter.charAt(0) - 'A' >= item.choiceCount()) {
            throw new IllegalArgumentException("few-shot example " + item.id() + " has no usable answer letter: " + letter);
        }
        return letter.charAt(0) - 'A';
    }

    /** The examples before an item: the pool's first ones, or a choice seeded by (seed, task, item). */
    List<EvalItem> examples(String task, EvalItem item) {
        if (shots == 0) return List.of();
        List<EvalItem> candidates = new ArrayList<>();
        String match = matchField == null ? null : item.fields().path(matchField).asText(null);
        if (matchField != null && match == null) {
            throw new IllegalArgumentException("task " + task + ": item " + item.id() + " has no field '" + matchField + "' (few_shot.match_field)");
        }
        for (EvalItem e : pool) {
            if (ownItems && e.id().equals(item.id())) continue;
            if (match != null && !match.equals(e.fields().path(matchField).asText(null))) continue;
            candidates.add(e);
        }
        if (candidates.size() < shots) {
            throw new IllegalArgumentException("task " + task + ": item " + item.id() + " has " + candidates.size() + " few-shot examples"
                    + (match == null ? "" : " with " + matchField + " '" + match + "'") + ", few_shot.count is " + shots);
        }
        if (seed == null && !ownItems) return candidates.subList(0, shots);
        long s = seed == null ? 0 : seed;
        SplittableRandom random = new SplittableRandom(Long.parseUnsignedLong(Sha256.hex("fewshot|" + s + "|" + task + "|" + item.id()).substring(0, 15), 16));
        for (int i = 0; i < shots; i++) {
            int j = i + random.nextInt(candidates.size() - i);
            EvalItem t = candidates.get(i);
            candidates.set(i, candidates.get(j));
            candidates.set(j, t);
        }
        return candidates.subList(0, shots);
    }
}
