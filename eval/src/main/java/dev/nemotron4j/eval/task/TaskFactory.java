package dev.nemotron4j.eval.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.nemotron4j.eval.config.EvalConfig;
import dev.nemotron4j.eval.config.EvalConfig.GenerationConfig;
import dev.nemotron4j.eval.config.EvalConfig.TaskConfig;
import dev.nemotron4j.eval.extract.AnswerExtractor;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.ruler.RulerGenerator;
import dev.nemotron4j.eval.ruler.RulerSources;
import dev.nemotron4j.eval.ruler.RulerTask;
import dev.nemotron4j.eval.score.Scorer;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.TokenCounter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns task configs into {@link TaskDefinition}s: applies the family defaults, loads or generates
 * the items, and expands sweeps (reasoning budgets) and RULER grids into one definition per variant.
 */
public final class TaskFactory {

    /** Built-in families; a task whose name is one of these and has no {@code type} uses it. */
    public static final Set<String> FAMILIES = Set.of("gsm8k", "aime", "multiple_choice", "mmlu_pro", "gpqa", "tool_calling", "ruler", "custom",
            "arithmetic", "tool_use", "instruction_following", "ifeval", "ifbench", "wmt24pp", "mmlu_prox", "arena_hard", "bfcl",
            "livecodebench", "scicode");
    /** Arena-Hard-style pairwise judging against a baseline answer (needs a {@code judge:} endpoint). */
    public static final String ARENA_HARD = "arena_hard";

    static final String GSM8K_PROMPT =
            "{{question}}\nPlease reason step by step, and put your final answer within \\boxed{}.";
    /**
     * AIME: NeMo-Skills' default math prompt ({@code nemo_skills/prompt/config/generic/math.yaml}), the prompt its aime25
     * benchmark uses unless told otherwise. NVIDIA's Nemotron 3 Nano config names a prompt file {@code math-oai.yaml}
     * whose text is not published; see docs/EVALUATION.md.
     */
    static final String AIME_PROMPT =
            "Solve the following math problem. Make sure to put the answer (and only answer) inside \\boxed{}.\n\n{{question}}";
    static final String MMLU_PRO_PROMPT = "Answer the following multiple choice question. Think step by step, then finish "
            + "with \"The answer is (X)\" where X is one of {{letters}}.\n\nQuestion: {{question}}\nOptions:\n{{choices}}";
    static final String MC_PROMPT = "Answer the following multiple choice question. The last line of your response "
            + "must be of the form 'Answer: X' where X is one of {{letters}}.\n\n{{question}}\n\n{{choices}}";

    private final EvalConfig config;
    private final TokenCounter counter;
    private final dev.nemotron4j.eval.target.PromptCounter promptCounter;

    public TaskFactory(EvalConfig config, TokenCounter counter) {
        this(config, counter, null);
    }

    /**
     * @param counter       counts texts (the target's tokenizer, or an approximation)
     * @param promptCounter counts whole requests as the target's model reads them, chat template included, or null:
     *                      RULER's lengths then count the prompt as sent, not only the user turn's text
     */
    public TaskFactory(EvalConfig config, TokenCounter counter, dev.nemotron4j.eval.target.PromptCounter promptCounter) {
        this.config = config;
        this.counter = counter;
        this.promptCounter = promptCounter;
    }

    public List<TaskDefinition> build() {
        if (config.tasks() == null || config.tasks().isEmpty()) {
            throw new IllegalArgumentException("no tasks configured (use --task NAME or a tasks: list in the config)");
        }
        List<TaskDefinition> out = new ArrayList<>();
        for (TaskConfig task : config.tasks()) out.addAll(build(task));
        Set<String> names = new java.util.HashSet<>();
        for (TaskDefinition t : out) {
            if (!names.add(t.name())) throw new IllegalArgumentException("duplicate task name: " + t.name());
        }
        return out;
    }

    private List<TaskDefinition> build(TaskConfig task) {
        if (task.name() == null || task.name().isBlank()) throw new IllegalArgumentException("every task needs a name");
        String family = task.type() != null ? task.type() : FAMILIES.contains(task.name()) ? task.name() : "custom";
        if (!FAMILIES.contains(family)) throw new IllegalArgumentException("task " + task.name() + ": unknown type " + family);
        GenerationConfig generation = config.generation().overriddenBy(task.generation());
        int repeats = task.repeats() != null ? task.repeats() : config.run().repeats();
        Integer limit = task.limit() != null ? task.limit() : config.run().limit();
        if (family.equals("ruler")) return ruler(task, generation, repeats, limit);
        if (EnvironmentTasks.FAMILIES.contains(family)) {
            List<TaskDefinition> out = new ArrayList<>();
            for (TaskDefinition d : EnvironmentTasks.definitions(task, family, generation, repeats, limit)) out.addAll(sweep(task, d));
            return out;
        }

        if (family.equals("ifeval") || family.equals("ifbench")) return sweep(task, instructionTask(task, family, generation, repeats, limit));
        if (family.equals("wmt24pp")) return sweep(task, translationTask(task, family, generation, repeats, limit));
        if (family.equals("mmlu_prox")) return sweep(task, mmluProxTask(task, family, generation, repeats, limit));
        if (family.equals(ARENA_HARD)) return sweep(task, arenaHardTask(task, family, generation, repeats, limit));
        if (family.equals("bfcl")) {
            return sweep(task, BfclTasks.definition(task, generation, repeats, limit, items -> Subsets.select(items,
                    task.subset() != null ? task.subset() : config.run().subset(), task.name(), config.run().seed())));
        }
        if (CodeTasks.FAMILIES.contains(family)) {
            return sweep(task, CodeTasks.definition(task, family, generation, repeats, limit,
                    task.subset() != null ? task.subset() : config.run().subset(), config.run().seed()));
        }

        Defaults d = Defaults.of(family);
        String extractorName = or(task.extractor(), d.extractor);
        String scorerName = or(task.scorer(), d.scorer);
        if (extractorName == null || scorerName == null || (!hasPrompt(task) && d.prompt == null)) {
            throw new IllegalArgumentException("task " + task.name() + ": a custom task needs prompt, extractor and scorer");
        }
        if (task.dataset() == null) throw new IllegalArgumentException("task " + task.name() + ": dataset path missing (--dataset FILE)");
        Path path = Path.of(task.dataset()).toAbsolutePath().normalize();
        String answerField = or(task.answerField(), d.answerField);
        String choicesField = family.equals("multiple_choice") || family.equals("gpqa") || task.choicesField() != null
                ? or(task.choicesField(), "choices") : family.equals("mmlu_pro") ? "options" : null;
        String toolsField = family.equals("tool_calling") || task.toolsField() != null ? or(task.toolsField(), "tools") : null;
        String expectedRule = or(task.expected(), d.expected);

        List<EvalItem> items = readItems(path, task, family, answerField, choicesField, expectedRule, limit);
        items = Subsets.select(items, task.subset() != null ? task.subset() : config.run().subset(), task.name(), config.run().seed());
        if (task.scoring() != null && !List.of("generate", "loglikelihood", "loglikelihood_norm").contains(task.scoring())) {
            throw new IllegalArgumentException("task " + task.name() + ": scoring must be generate, loglikelihood or loglikelihood_norm");
        }
        boolean loglikelihood = task.scoring() != null && task.scoring().startsWith("loglikelihood");
        // base-model formats when few-shot or option-text continuations are asked for; else the instruction prompt
        boolean baseFormat = loglikelihood && (task.fewShot() != null || "choice_text".equals(task.continuation()));
        String defaultPrompt = !baseFormat ? d.prompt : "choice_text".equals(task.continuation()) ? "{{question}}" : "{{question}}\n{{choices}}";
        PromptTemplate prompt = hasPrompt(task) ? PromptTemplate.fromConfig(task.prompt()) : PromptTemplate.ofUser(defaultPrompt);
        TaskDefinition base = new TaskDefinition(task.name(), family, items, prompt, choicesField, toolsField,
                AnswerExtractor.named(extractorName, task.extractorParams()), Scorer.named(scorerName), generation, repeats,
                loglikelihood, Sha256.ofFile(path), path.toString(), Map.of("base_task", task.name()),
                loglikelihood ? scoringSpec(task, family, answerField, choicesField, expectedRule, items) : null);
        return sweep(task, base);
    }

    private static List<EvalItem> readItems(Path path, TaskConfig task, String family, String answerField, String choicesField,
                                            String expectedRule, Integer limit) {
        List<EvalItem> items = new ArrayList<>();
        List<ObjectNode> rows = JsonlDataset.read(path);
        for (int i = 0; i < rows.size() && (limit == null || i < limit); i++) {
            ObjectNode row = rows.get(i);
            String id = task.idField() != null && row.hasNonNull(task.idField()) ? row.get(task.idField()).asText() : String.valueOf(i);
            if (task.questionField() != null && !task.questionField().equals("question") && row.has(task.questionField())) {
                row.set("question", row.get(task.questionField()));
            } else if (!row.has("question") && row.has("problem")) {
                row.set("question", row.get("problem"));   // MATH/AIME rows call it the problem
            }
            JsonNode choices = choicesField == null ? null : row.get(choicesField);
            int choiceCount = choices != null && choices.isArray() ? choices.size() : 0;
            if (family.equals("gpqa")) choiceCount = 1 + (int) java.util.stream.StreamSupport.stream(
                    java.util.Spliterators.spliteratorUnknownSize(row.fieldNames(), 0), false).filter(n -> n.startsWith("incorrect_")).count();
            JsonNode answer = row.get(answerField);
            if (answer == null) throw new IllegalArgumentException(path + " row " + i + ": no '" + answerField + "' field");
            if (family.equals("aime")) requireAimeAnswer(path, i, answerField, answer);
            items.add(new EvalItem(id, i, row, expected(answer, expectedRule, family), choiceCount));
        }
        return items;
    }

    /** AIME answers are integers from 0 to 999; anything else is a broken row, named before anything is sent. */
    private static void requireAimeAnswer(Path path, int row, String field, JsonNode answer) {
        var value = dev.nemotron4j.eval.score.IntegerMatchScorer.parse(answer.asText());
        if (value.isEmpty() || value.get().signum() < 0 || value.get().compareTo(java.math.BigInteger.valueOf(999)) > 0) {
            throw new IllegalArgumentException(path + " row " + row + ": AIME answer '" + field + "' must be an integer from 0 to 999, got "
                    + answer);
        }
    }

    /**
     * IFEval / IFBench: rows {@code {key, prompt, instruction_id_list, kwargs}}; the prompt is sent as it is, the answer
     * text is judged by every listed instruction's checker. Every row's instructions are bound to their arguments here,
     * so an unknown instruction or a bad argument stops the run before anything is sent.
     */
    private TaskDefinition instructionTask(TaskConfig task, String family, GenerationConfig generation, int repeats, Integer limit) {
        if (task.dataset() == null) throw new IllegalArgumentException("task " + task.name() + ": dataset path missing (--dataset FILE)");
        Path path = Path.of(task.dataset()).toAbsolutePath().normalize();
        var judge = dev.nemotron4j.eval.instructions.InstructionFollowing.named(family);
        String idField = or(task.idField(), "key");
        String promptField = or(task.questionField(), "prompt");
        List<ObjectNode> rows = JsonlDataset.read(path);
        List<EvalItem> items = new ArrayList<>();
        for (int i = 0; i < rows.size() && (limit == null || i < limit); i++) {
            ObjectNode row = rows.get(i);
            JsonNode ids = row.get("instruction_id_list");
            if (!row.hasNonNull(promptField) || ids == null || !ids.isArray()) {
                throw new IllegalArgumentException(path + " row " + i + ": needs '" + promptField + "' and 'instruction_id_list'");
            }
            List<String> idList = new ArrayList<>();
            ids.forEach(id -> idList.add(id.asText()));
            try {
                judge.bind(idList, row.get("kwargs"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + " row " + i + ": " + e.getMessage(), e);
            }
            if (!promptField.equals("prompt")) row.set("prompt", row.get(promptField));
            ObjectNode expected = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            expected.put("benchmark", family);
            expected.set("instruction_id_list", ids);
            expected.set("kwargs", row.has("kwargs") ? row.get("kwargs") : expected.arrayNode());
            String id = row.hasNonNull(idField) ? row.get(idField).asText() : String.valueOf(i);
            items.add(new EvalItem(id, i, row, expected, 0));
        }
        items = Subsets.select(items, task.subset() != null ? task.subset() : config.run().subset(), task.name(), config.run().seed());
        PromptTemplate prompt = hasPrompt(task) ? PromptTemplate.fromConfig(task.prompt()) : PromptTemplate.ofUser("{{prompt}}");
        return new TaskDefinition(task.name(), family, items, prompt, null, null,
                AnswerExtractor.named(or(task.extractor(), "response"), task.extractorParams()),
                Scorer.named(or(task.scorer(), "instruction_following")), generation, repeats, false,
                Sha256.ofFile(path), path.toString(), Map.of("base_task", task.name()), null);
    }

    /**
     * WMT24++: rows {@code {lp, source, target, is_bad_source, segment_id, ...}} as google/wmt24pp publishes them (one
     * English→X pair per file, several pairs may be mixed). Rows flagged {@code is_bad_source} are left out, as the
     * WMT24++ authors advise; the prompt is the WMT24++ one for the row's pair; the answer text, trimmed, is scored by
     * chrF against {@code target}, and the task's metrics add corpus chrF and BLEU.
     */
    private TaskDefinition translationTask(TaskConfig task, String family, GenerationConfig generation, int repeats, Integer limit) {
        if (task.dataset() == null) throw new IllegalArgumentException("task " + task.name() + ": dataset path missing (--dataset FILE)");
        Path path = Path.of(task.dataset()).toAbsolutePath().normalize();
        String sourceField = or(task.questionField(), "source");
        String targetField = or(task.answerField(), "target");
        List<ObjectNode> rows = JsonlDataset.read(path);
        List<EvalItem> items = new ArrayList<>();
        for (int i = 0; i < rows.size() && (limit == null || items.size() < limit); i++) {
            ObjectNode row = rows.get(i);
            if (row.path("is_bad_source").asBoolean(false)) continue;
            if (!row.hasNonNull("lp") || !row.hasNonNull(sourceField) || !row.hasNonNull(targetField)) {
                throw new IllegalArgumentException(path + " row " + i + ": needs 'lp', '" + sourceField + "' and '" + targetField + "'");
            }
            String prompt;
            try {
                prompt = dev.nemotron4j.eval.translation.Wmt24ppPrompt.render(row.get("lp").asText(), row.get(sourceField).asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + " row " + i + ": " + e.getMessage(), e);
            }
            row.put("prompt", prompt);
            String id = task.idField() != null && row.hasNonNull(task.idField()) ? row.get(task.idField()).asText()
                    : row.hasNonNull("segment_id") ? row.get("lp").asText() + "/" + row.get("segment_id").asText() : String.valueOf(i);
            items.add(new EvalItem(id, i, row, TextNode.valueOf(row.get(targetField).asText()), 0));
        }
        items = Subsets.select(items, task.subset() != null ? task.subset() : config.run().subset(), task.name(), config.run().seed());
        PromptTemplate prompt = hasPrompt(task) ? PromptTemplate.fromConfig(task.prompt()) : PromptTemplate.ofUser("{{prompt}}");
        return new TaskDefinition(task.name(), family, items, prompt, null, null,
                AnswerExtractor.named(or(task.extractor(), "response"), task.extractorParams()),
                Scorer.named(or(task.scorer(), "translation")), generation, repeats, false,
                Sha256.ofFile(path), path.toString(), Map.of("base_task", task.name()), null);
    }

    /**
     * MMLU-ProX in one of its 29 languages ({@code params.language}, default {@code en}): rows as li-lab/MMLU-ProX
     * publishes them ({@code question, option_0..option_9} (null where a question has fewer), {@code answer} letter or
     * {@code answer_index}, {@code category}, {@code question_id}); an {@code options} list is read too. The prompt is the
     * language's MMLU-ProX chain-of-thought prompt, zero-shot; the letter is taken from the language's closing phrase
     * ("Die Antwort ist (X)") and compared exactly.
     */
    private TaskDefinition mmluProxTask(TaskConfig task, String family, GenerationConfig generation, int repeats, Integer limit) {
        if (task.dataset() == null) throw new IllegalArgumentException("task " + task.name() + ": dataset path missing (--dataset FILE)");
        Path path = Path.of(task.dataset()).toAbsolutePath().normalize();
        String language = TaskParams.of(task).string("language", "en");
        if (!MmluProxLanguages.knows(language)) {
            throw new IllegalArgumentException("task " + task.name() + ": MMLU-ProX has no language '" + language + "' (known: "
                    + new java.util.TreeSet<>(MmluProxLanguages.languages()) + ")");
        }
        List<ObjectNode> rows = JsonlDataset.read(path);
        List<EvalItem> items = new ArrayList<>();
        for (int i = 0; i < rows.size() && (limit == null || i < limit); i++) {
            ObjectNode row = rows.get(i);
            String where = path + " row " + i + ": ";
            List<String> options = new ArrayList<>();
            if (row.get("options") instanceof com.fasterxml.jackson.databind.node.ArrayNode list) {
                list.forEach(o -> options.add(o.asText()));
            } else {
                for (int k = 0; k < 10; k++) if (row.hasNonNull("option_" + k)) options.add(row.get("option_" + k).asText());
            }
            if (!row.hasNonNull("question") || !row.hasNonNull("category") || options.size() < 2) {
                throw new IllegalArgumentException(where + "needs 'question', 'category' and at least two options (option_0.. or options)");
            }
            String letter;
            if (row.hasNonNull("answer") && row.get("answer").asText().strip().matches("[A-J]")) letter = row.get("answer").asText().strip();
            else if (row.hasNonNull("answer_index") && row.get("answer_index").canConvertToInt()) letter = String.valueOf((char) ('A' + row.get("answer_index").asInt()));
            else throw new IllegalArgumentException(where + "needs 'answer' (a letter A-J) or 'answer_index'");
            if (letter.charAt(0) - 'A' >= options.size()) throw new IllegalArgumentException(where + "answer " + letter + " but only " + options.size() + " options");
            try {
                row.put("prompt", MmluProxLanguages.prompt(language, row.get("category").asText(), row.get("question").asText(), options));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
            String id = task.idField() != null && row.hasNonNull(task.idField()) ? row.get(task.idField()).asText()
                    : row.hasNonNull("question_id") ? row.get("question_id").asText() : String.valueOf(i);
            items.add(new EvalItem(id, i, row, TextNode.valueOf(letter), options.size()));
        }
        items = Subsets.select(items, task.subset() != null ? task.subset() : config.run().subset(), task.name(), config.run().seed());
        PromptTemplate prompt = hasPrompt(task) ? PromptTemplate.fromConfig(task.prompt()) : PromptTemplate.ofUser("{{prompt}}");
        AnswerExtractor extractor = task.extractor() != null ? AnswerExtractor.named(task.extractor(), task.extractorParams())
                : AnswerExtractor.named("regex", Map.of("pattern", MmluProxLanguages.answerPattern(language)));
        return new TaskDefinition(task.name(), family, items, prompt, null, null, extractor,
                Scorer.named(or(task.scorer(), "exact_match")), generation, repeats, false,
                Sha256.ofFile(path), path.toString(), Map.of("base_task", task.name()), null);
    }

    /**
     * Arena-Hard: rows {@code {uid, category, prompt, baseline}} — the question, and the baseline model's answer to it
     * ({@code answer_field}, default {@code baseline}). The prompt is sent as it is; the answer (thinking removed) is judged
     * against the baseline's in both orders by the run's judge, with the judge prompt of the row's category (default
     * {@code params.category}, else {@code hard_prompt}). With {@code params.category} set, only that category's rows are
     * kept (Arena-Hard v2.0 reports hard prompts and creative writing apart).
     */
    private TaskDefinition arenaHardTask(TaskConfig task, String family, GenerationConfig generation, int repeats, Integer limit) {
        if (task.dataset() == null) throw new IllegalArgumentException("task " + task.name() + ": dataset path missing (--dataset FILE)");
        Path path = Path.of(task.dataset()).toAbsolutePath().normalize();
        String only = TaskParams.of(task).string("category", null);
        if (only != null && !dev.nemotron4j.eval.judge.ArenaHardPrompts.knows(only)) {
            throw new IllegalArgumentException("task " + task.name() + ": Arena-Hard has no category '" + only + "' (known: "
                    + dev.nemotron4j.eval.judge.ArenaHardPrompts.categories() + ")");
        }
        String promptField = or(task.questionField(), "prompt");
        String baselineField = or(task.answerField(), "baseline");
        String idField = or(task.idField(), "uid");
        List<ObjectNode> rows = JsonlDataset.read(path);
        List<EvalItem> items = new ArrayList<>();
        for (int i = 0; i < rows.size() && (limit == null || items.size() < limit); i++) {
            ObjectNode row = rows.get(i);
            String where = path + " row " + i + ": ";
            String category = row.hasNonNull("category") ? row.get("category").asText() : only != null ? only : "hard_prompt";
            if (!dev.nemotron4j.eval.judge.ArenaHardPrompts.knows(category)) {
                throw new IllegalArgumentException(where + "Arena-Hard has no judge prompt for category '" + category + "' (known: "
                        + dev.nemotron4j.eval.judge.ArenaHardPrompts.categories() + ")");
            }
            if (only != null && !only.equals(category)) continue;
            if (!row.hasNonNull(promptField) || !row.hasNonNull(baselineField)) {
                throw new IllegalArgumentException(where + "needs '" + promptField + "' (the question) and '" + baselineField
                        + "' (the baseline model's answer)");
            }
            row.put("prompt", row.get(promptField).asText());
            row.put("category", category);
            String id = row.hasNonNull(idField) ? row.get(idField).asText() : String.valueOf(i);
            items.add(new EvalItem(id, i, row, TextNode.valueOf(row.get(baselineField).asText()), 0));
        }
        items = Subsets.select(items, task.subset() != null ? task.subset() : config.run().subset(), task.name(), config.run().seed());
        PromptTemplate prompt = hasPrompt(task) ? PromptTemplate.fromConfig(task.prompt()) : PromptTemplate.ofUser("{{prompt}}");
        return new TaskDefinition(task.name(), family, items, prompt, null, null,
                AnswerExtractor.named("judge_verdicts", null), Scorer.named("arena_hard_verdicts"), generation, repeats, false,
                Sha256.ofFile(path), path.toString(), Map.of("base_task", task.name()), null);
    }

    /** Continuations, acc/acc_norm and the few-shot pool (a dev split read like the task's dataset, or its own items). */
    private static LoglikelihoodSpec scoringSpec(TaskConfig task, String family, String answerField, String choicesField,
                                                 String expectedRule, List<EvalItem> items) {
        if (!lettered(family)) {
            throw new IllegalArgumentException("task " + task.name() + ": log-likelihood scoring is for multiple choice tasks");
        }
        String continuation = task.continuation() == null ? "letter" : task.continuation();
        if (!continuation.equals("letter") && !continuation.equals("choice_text")) {
            throw new IllegalArgumentException("task " + task.name() + ": continuation must be letter or choice_text");
        }
        boolean normalize = "loglikelihood_norm".equals(task.scoring());
        var fs = task.fewShot();
        if (fs == null || fs.count() == null || fs.count() == 0) {
            return new LoglikelihoodSpec(normalize, continuation.equals("choice_text"), 0, List.of(), false, null, null);
        }
        boolean own = fs.dataset() == null;
        List<EvalItem> pool = own ? items
                : readItems(Path.of(fs.dataset()).toAbsolutePath().normalize(), task, family, answerField, choicesField, expectedRule, null);
        Long seed = own && fs.seed() == null ? Long.valueOf(0) : fs.seed();   // own items: always a seeded choice
        String match = fs.matchField() == null || fs.matchField().isBlank() ? null : fs.matchField();
        if (match != null) {
            for (EvalItem e : pool) {
                if (!e.fields().hasNonNull(match)) {
                    throw new IllegalArgumentException("task " + task.name() + ": few-shot example " + e.id() + " has no field '" + match
                            + "' (few_shot.match_field)");
                }
            }
        }
        LoglikelihoodSpec spec = new LoglikelihoodSpec(normalize, continuation.equals("choice_text"), fs.count(), pool, own, seed, match);
        // every item must find its examples among the matching ones: refused now, not halfway through a run
        if (match != null) for (EvalItem item : items) spec.examples(task.name(), item);
        return spec;
    }

    /** One variant per reasoning budget, or the task itself when there is no sweep. */
    private static List<TaskDefinition> sweep(TaskConfig task, TaskDefinition base) {
        if (task.reasoningBudgets() == null || task.reasoningBudgets().isEmpty()) return List.of(base);
        List<TaskDefinition> out = new ArrayList<>();
        for (int budget : task.reasoningBudgets()) {
            GenerationConfig g = base.generation().overriddenBy(new GenerationConfig(null, null, null, null, null, budget, null));
            out.add(new TaskDefinition(base.name() + "@budget=" + budget, base.family(), base.items(), base.prompt(),
                    base.choicesField(), base.toolsField(), base.extractor(), base.scorer(), g, base.repeats(),
                    base.loglikelihood(), base.datasetSha256(), base.datasetPath(),
                    Map.of("base_task", base.name(), "reasoning_budget", budget), base.scoringSpec()));
        }
        return out;
    }

    /**
     * RULER's 13 tasks ({@code params.variants}; default all, less qa_1/qa_2 when their dataset file is not given) at each of {@code params.lengths}, generated in-process and
     * sized with the target's tokenizer. {@code params.answer_prefix: true} ends the prompt with RULER's answer prefix
     * (its original setup, for completions endpoints); by default the prompt is RULER's input alone, as NeMo-Skills'
     * chat setup sends it to chat and reasoning models. {@code essay_file}, {@code squad_file} and
     * {@code hotpotqa_file} name the texts RULER reads (see {@link RulerSources}).
     */
    private List<TaskDefinition> ruler(TaskConfig task, GenerationConfig generation, int repeats, Integer limit) {
        TaskParams p = TaskParams.of(task);
        List<Integer> lengths = p.integers("lengths", 16, 1 << 22, List.of(4096, 8192));
        RulerSources sources = new RulerSources(path(p.string("essay_file", null)), path(p.string("squad_file", null)),
                path(p.string("hotpotqa_file", null)));
        // by default all 13, less a QA task whose dataset is not given (asked for by name, it says what is missing)
        List<String> variants = p.strings("variants", RulerTask.keys().stream()
                .filter(k -> !(k.equals("qa_1") && sources.squadFile() == null) && !(k.equals("qa_2") && sources.hotpotqaFile() == null)).toList());
        int samples = p.intValue("samples_per_length", 1, 1_000_000, 10);
        if (limit != null) samples = Math.min(samples, limit);
        long seed = p.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE, config.run().seed());
        boolean answerPrefix = p.bool("answer_prefix", false);
        PromptTemplate prompt = hasPrompt(task) ? PromptTemplate.fromConfig(task.prompt())
                : PromptTemplate.ofUser(answerPrefix ? "{{input}}{{answer_prefix}}" : "{{input}}");
        RulerGenerator generator = promptCounter == null ? new RulerGenerator(counter, seed, sources)
                : new RulerGenerator(counter, (input, prefix) -> promptCounter.count(asSent(prompt, generation, input, prefix)), seed, sources);
        List<TaskDefinition> out = new ArrayList<>();
        for (String v : variants) {
            RulerTask variant;
            try {
                variant = RulerTask.of(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("task " + task.name() + ": " + e.getMessage(), e);
            }
            for (int length : lengths) {
                List<EvalItem> items = new ArrayList<>();
                StringBuilder hashInput = new StringBuilder();
                for (int i = 0; i < samples; i++) {
                    ObjectNode row;
                    try {
                        row = generator.generate(variant, length, i);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("task " + task.name() + ": " + e.getMessage(), e);
                    }
                    items.add(new EvalItem(String.valueOf(i), i, row, row.get("outputs"), 0));
                    hashInput.append(Sha256.ofCanonical(row)).append('\n');
                }
                Map<String, Object> axis = new LinkedHashMap<>();
                axis.put("base_task", task.name());
                axis.put("ruler_variant", variant.key());
                axis.put("context_length", length);
                out.add(new TaskDefinition(task.name() + "/" + variant.key() + "@" + length, "ruler", items, prompt, null, null,
                        AnswerExtractor.named(or(task.extractor(), "full_text"), task.extractorParams()),
                        Scorer.named(or(task.scorer(), variant.scorer())), generation, repeats, false,
                        Sha256.hex(hashInput.toString()), null, axis, null));
            }
        }
        return out;
    }

    /** A RULER prompt as the sample will send it: rendered by the task's template, with its generation settings and the run's request editors. */
    private GenerationRequest asSent(PromptTemplate prompt, GenerationConfig g, String input, String answerPrefix) {
        ObjectNode fields = JsonNodeFactory.instance.objectNode().put("input", input).put("answer_prefix", answerPrefix);
        List<dev.nemotron4j.eval.target.ChatMessage> messages = prompt.render(new EvalItem("sizing", 0, fields, null, 0), null);
        GenerationRequest request = new GenerationRequest(messages, null, g.temperature(), g.topP(), g.topK(), g.maxTokens(), 0,
                g.reasoning(), g.reasoningBudget(), List.of(), false, null, null);
        return dev.nemotron4j.eval.interceptor.ChainFactory.asSent(config.interceptors(), request,
                new dev.nemotron4j.eval.SampleKey("ruler", "sizing", 0));
    }

    private static Path path(String file) {
        return file == null ? null : Path.of(file).toAbsolutePath().normalize();
    }

    /** The reference answer in the form the scorer expects. */
    private static JsonNode expected(JsonNode answer, String rule, String family) {
        if ("after_hashes".equals(rule)) {
            String text = answer.asText();
            int at = text.lastIndexOf("####");
            return TextNode.valueOf((at >= 0 ? text.substring(at + 4) : text).strip().replace(",", ""));
        }
        if (lettered(family) && answer.isIntegralNumber()) {
            return TextNode.valueOf(String.valueOf((char) ('A' + answer.asInt())));
        }
        if (lettered(family)) return TextNode.valueOf(answer.asText().strip().toUpperCase());
        return answer.isTextual() || answer.isContainerNode() ? answer : TextNode.valueOf(answer.asText());
    }

    /** Families whose reference is an option letter (an index in the data becomes its letter). */
    private static boolean lettered(String family) {
        return family.equals("multiple_choice") || family.equals("mmlu_pro");
    }

    /** A stored config round-trips an absent prompt as JSON null. */
    private static boolean hasPrompt(TaskConfig task) {
        return task.prompt() != null && !task.prompt().isNull() && !task.prompt().isMissingNode();
    }

    private static String or(String value, String fallback) { return value != null ? value : fallback; }

    private record Defaults(String prompt, String extractor, String scorer, String answerField, String expected) {
        static Defaults of(String family) {
            return switch (family) {
                case "gsm8k" -> new Defaults(GSM8K_PROMPT, "numeric", "numeric_equivalence", "answer", "after_hashes");
                case "multiple_choice" -> new Defaults(MC_PROMPT, "choice_letter", "exact_match", "answer", "field");
                // MMLU-Pro rows: question, options (up to ten), answer letter; chain of thought, then "The answer is (X)"
                case "mmlu_pro" -> new Defaults(MMLU_PRO_PROMPT, "choice_letter", "exact_match", "answer", "field");
                // options shuffled per sample (ChoiceShuffle); the reference is the correct option's text until then
                case "gpqa" -> new Defaults(MC_PROMPT, "choice_letter", "exact_match", "correct", "field");
                // AIME: the answer in the last \boxed{}, an integer from 0 to 999 matched exactly
                case "aime" -> new Defaults(AIME_PROMPT, "boxed", "integer_match", "answer", "field");
                case "tool_calling" -> new Defaults("{{question}}", "tool_call", "tool_call_match", "ground_truth", "field");
                default -> new Defaults(null, null, null, "answer", "field");
            };
        }
    }

}
