package dev.nemotron4j.eval.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.config.EvalConfig;
import dev.nemotron4j.eval.config.EvalConfig.GenerationConfig;
import dev.nemotron4j.eval.config.EvalConfig.TaskConfig;
import dev.nemotron4j.eval.extract.AnswerExtractor;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.sandbox.CodeSandbox;
import dev.nemotron4j.eval.sandbox.SandboxSettings;
import dev.nemotron4j.eval.score.CodeTestsScorer;
import dev.nemotron4j.eval.score.SciCodeProblemScorer;
import dev.nemotron4j.eval.score.SciCodeStepRun;
import dev.nemotron4j.eval.score.SciCodeStepScorer;
import dev.nemotron4j.eval.scicode.SciCodeTargets;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The code benchmarks: {@code livecodebench} (programs graded by test cases, LiveCodeBench-style) and {@code scicode}
 * (scientific functions written step by step, SciCode-style). Both run the model's code, so both need a sandbox the
 * user chose ({@link SandboxSettings}); without one the task is refused before anything is sent.
 */
public final class CodeTasks {

    /** The families that execute model-written code. */
    public static final Set<String> FAMILIES = Set.of("livecodebench", "scicode");

    // LiveCodeBench's code-generation prompt (lcb_runner/prompts/code_generation.py), as NeMo-Skills' eval/livecodebench
    // prompt config and prepare script send it to the model: no system message.
    static final String LCB_WITH_STARTER = "You will use the following starter code to write the solution to the problem and enclose your code within delimiters.";
    static final String LCB_WITHOUT_STARTER = "Read the inputs from stdin solve the problem and write the answer to stdout (do not directly test on the "
            + "sample inputs). Enclose your code within delimiters as follows. Ensure that when the python program runs, it reads the inputs, "
            + "runs the algorithm and writes output to STDOUT.";

    // SciCode's step prompt with scientist-written background (NeMo-Skills prompt config eval/scicode/background, its
    // default for SciCode, from SciCode's own multi-step template).
    static final String SCICODE_PROMPT = """
            PROBLEM DESCRIPTION:
            You will be provided with problem steps along with background knowledge necessary for solving the problem. Your task will be to develop a Python solution focused on the next step of the problem-solving process.

            PROBLEM STEPS AND FUNCTION CODE:
            Here, you'll find the Python code for the initial steps of the problem-solving process. This code is integral to building the solution.

            {{problem_steps}}

            NEXT STEP - PROBLEM STEP AND FUNCTION HEADER:
            This part will describe the next step in the problem-solving process. A function header will be provided, and your task is to develop the Python code for this next step based on the provided description and function header.

            {{next_step}}

            DEPENDENCIES:
            Use only the following dependencies in your solution. Do not include these dependencies at the beginning of your code.

            {{dependencies}}

            RESPONSE GUIDELINES:
            Now, based on the instructions and information provided above, write the complete and executable Python program for the next step in a single block.
            Your response should focus exclusively on implementing the solution for the next step, adhering closely to the specified function header and the context provided by the initial steps.
            Your response should NOT include the dependencies and functions of all previous steps. If your next step function calls functions from previous steps, please make sure it uses the headers provided without modification.
            DO NOT generate EXAMPLE USAGE OR TEST CODE in your response. Please make sure your response python code in format of ```python```.""";

    // SciCode's template when the background is left out: the model writes it (eval/data/background_comment_template.txt)
    static final String SCICODE_PROMPT_WITHOUT_BACKGROUND = """
            PROBLEM DESCRIPTION:
            You will be provided with the main description of the problem, previous steps, and the next step. Your task will be to generate the disciplinary knowledge necessary for solving the next step and then develop a Python solution focused on this step.

            PREVIOUS STEPS DESCRIPTION:
            {{problem_steps}}

            NEXT STEP - PROBLEM DESCRIPTION AND FUNCTION HEADER:
            This part will describe the next step in the problem-solving process. First, provide the necessary scientific background knowledge as a comment at the beginning of your response, starting with 'Background: '. Then, a function header will be provided, and your task is to develop the Python code for this next step based on the provided description and function header.

            {{next_step}}

            DEPENDENCIES:
            Use only the following dependencies in your solution. Do not include these dependencies at the beginning of your code.
            {{dependencies}}

            RESPONSE GUIDELINES:
            1. Start with the scientific background required for the next step, formatted as a comment.
            2. Then write the complete and executable Python program for the next step in a single block.
            3. Your response should focus exclusively on implementing the solution for the next step, adhering closely to the specified function header and the context provided by the initial steps.
            4. DO NOT include previous function code, example usage or test code in your response.
            5. Ensure your response is in the format of ```python``` and includes the necessary background as a comment at the top.

            Example:
            ```python
            # Background: [Here, insert the necessary scientific knowledge required for the next step.]

            [Insert the Python code here based on the provided function header and dependencies.]
            ```""";

    /** The steps SciCode's generator does not ask for but fills in with its own code (eval/data/STEP.txt). */
    static final List<String> PREFILLED_STEPS = List.of("13.6", "62.1", "76.3");

    private CodeTasks() {}

    /**
     * The config with {@code params.sandbox: subprocess} for every code task that names no sandbox: what
     * {@code eval run --allow-code-execution} means. Other tasks and explicit choices are left as they are.
     */
    public static EvalConfig allowExecution(EvalConfig config) {
        if (config.tasks() == null) return config;
        List<TaskConfig> tasks = new ArrayList<>();
        for (TaskConfig t : config.tasks()) {
            String family = t.type() != null ? t.type() : t.name();
            boolean chosen = t.params() != null && t.params().get("sandbox") != null;
            if (!FAMILIES.contains(family) || chosen) {
                tasks.add(t);
                continue;
            }
            Map<String, Object> params = new LinkedHashMap<>(t.params() == null ? Map.of() : t.params());
            params.put("sandbox", "subprocess");
            tasks.add(new TaskConfig(t.name(), t.type(), t.dataset(), t.prompt(), t.extractor(), t.scorer(), t.idField(), t.questionField(),
                    t.answerField(), t.choicesField(), t.toolsField(), t.expected(), t.scoring(), t.extractorParams(), t.generation(),
                    t.repeats(), t.limit(), t.reasoningBudgets(), params, t.subset(), t.fewShot(), t.continuation()));
        }
        return new EvalConfig(config.target(), config.generation(), config.run(), tasks, config.interceptors(), config.output(), config.judge());
    }

    static TaskDefinition definition(TaskConfig task, String family, GenerationConfig generation, int repeats, Integer limit,
                                     EvalConfig.SubsetConfig subset, long runSeed) {
        // refuse before reading anything: running model code is the user's explicit choice
        SandboxSettings settings = SandboxSettings.of(task.name(), task.params());
        if (task.dataset() == null) throw new IllegalArgumentException("task " + task.name() + ": dataset path missing (--dataset FILE)");
        Path path = Path.of(task.dataset()).toAbsolutePath().normalize();
        List<ObjectNode> rows = JsonlDataset.read(path);
        boolean lcb = family.equals("livecodebench");
        String targetsFile = lcb ? null : TaskParams.of(task).string("targets_file", null);
        SciCodeTargets targets = targetsFile == null ? null : SciCodeTargets.open(Path.of(targetsFile).toAbsolutePath().normalize());
        List<EvalItem> items = lcb ? liveCodeBenchItems(task, path, rows, limit) : sciCodeItems(task, path, rows, limit, targets);
        items = Subsets.select(items, subset, task.name(), runSeed);
        CodeSandbox sandbox = settings.open();
        boolean sequential = !items.isEmpty() && SciCodeSteps.isSequential(items.getFirst());
        String hash = targets == null ? Sha256.ofFile(path) : Sha256.hex(Sha256.ofFile(path) + "|" + Sha256.ofFile(targets.file()));
        Map<String, Object> extractorParams = task.extractorParams() != null ? task.extractorParams()
                : lcb ? Map.of("block", "last") : Map.of("block", "first", "strip_imports", true);
        PromptTemplate prompt = task.prompt() != null && !task.prompt().isNull() && !task.prompt().isMissingNode()
                ? PromptTemplate.fromConfig(task.prompt()) : PromptTemplate.ofUser("{{prompt}}");
        return new TaskDefinition(task.name(), family, items, prompt, null, null,
                AnswerExtractor.named(task.extractor() != null ? task.extractor() : "python_code", extractorParams),
                lcb ? new CodeTestsScorer(sandbox, settings.limits())
                        : sequential ? new SciCodeProblemScorer(new SciCodeStepRun(sandbox, settings.limits(), targets))
                        : new SciCodeStepScorer(new SciCodeStepRun(sandbox, settings.limits(), targets)),
                generation, repeats, false, hash, path.toString(), Map.of("base_task", task.name()), null);
    }

    /**
     * LiveCodeBench rows as {@code livecodebench/code_generation_lite} publishes them: {@code question_id},
     * {@code question_content}, {@code starter_code}, {@code difficulty}, {@code contest_date}, {@code public_test_cases}
     * and {@code private_test_cases} (lists of {@code {input, output, testtype}}, as JSON text or arrays; the private ones
     * may be the published base64 of zlib of a pickled JSON string), {@code metadata} (JSON with {@code func_name} for
     * functional tests). {@code params.contest_date_from} / {@code contest_date_to} ({@code YYYY-MM}, inclusive) pick a
     * release window, as NVIDIA's v6 split 2024-08 to 2025-05 does.
     */
    private static List<EvalItem> liveCodeBenchItems(TaskConfig task, Path path, List<ObjectNode> rows, Integer limit) {
        TaskParams p = TaskParams.of(task);
        String from = p.string("contest_date_from", null);
        String to = p.string("contest_date_to", null);
        String idField = task.idField() != null ? task.idField() : "question_id";
        String questionField = task.questionField() != null ? task.questionField() : "question_content";
        List<EvalItem> items = new ArrayList<>();
        for (int i = 0; i < rows.size() && (limit == null || items.size() < limit); i++) {
            ObjectNode row = rows.get(i);
            String where = path + " row " + i + ": ";
            if (from != null || to != null) {
                String month = row.path("contest_date").asText("");
                if (month.length() < 7) throw new IllegalArgumentException(where + "a contest_date window is set but the row has no contest_date");
                month = month.substring(0, 7);
                if (from != null && month.compareTo(from) < 0 || to != null && month.compareTo(to) > 0) continue;
            }
            if (!row.hasNonNull(questionField)) throw new IllegalArgumentException(where + "needs '" + questionField + "'");
            ArrayNode tests = JsonNodeFactory.instance.arrayNode();
            try {
                tests.addAll(testList(row.get("public_test_cases")));
                tests.addAll(testList(row.get("private_test_cases")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
            if (tests.isEmpty()) throw new IllegalArgumentException(where + "has no test cases (public_test_cases, private_test_cases)");
            String fnName = functionName(row);
            for (JsonNode t : tests) {
                if (!t.has("input") || !t.has("output")) throw new IllegalArgumentException(where + "a test case needs 'input' and 'output': " + t);
                if ("functional".equals(t.path("testtype").asText()) && fnName == null) {
                    throw new IllegalArgumentException(where + "has functional tests but no metadata.func_name");
                }
            }
            String starter = row.path("starter_code").asText("");
            row.put("prompt", liveCodeBenchPrompt(row.get(questionField).asText(), starter));
            ObjectNode expected = JsonNodeFactory.instance.objectNode();
            expected.set("tests", tests);
            if (fnName != null) expected.put("fn_name", fnName);
            if (row.hasNonNull("difficulty")) expected.put("difficulty", row.get("difficulty").asText());
            String id = row.hasNonNull(idField) ? row.get(idField).asText() : String.valueOf(i);
            items.add(new EvalItem(id, i, row, expected, 0));
        }
        return items;
    }

    /** LiveCodeBench's user turn for a question, with or without starter code. */
    static String liveCodeBenchPrompt(String question, String starter) {
        boolean hasStarter = !starter.isBlank();
        return "### Question:\n" + question + "\n\n"
                + "### Format: " + (hasStarter ? LCB_WITH_STARTER : LCB_WITHOUT_STARTER) + "\n"
                + "```python\n" + (hasStarter ? starter : "# YOUR CODE HERE") + "\n```\n\n"
                + "### Answer: (use the provided format with backticks)\n\n";
    }

    private static String functionName(ObjectNode row) {
        if (row.hasNonNull("fn_name")) return row.get("fn_name").asText();
        JsonNode metadata = row.get("metadata");
        if (metadata == null || metadata.isNull()) return null;
        if (metadata.isTextual()) {
            String text = metadata.asText().strip();
            if (text.isEmpty()) return null;
            metadata = CanonicalJson.parse(text);
        }
        JsonNode name = metadata.get("func_name");
        return name == null || name.isNull() ? null : name.asText();
    }

    /** A list of test cases: an array, JSON text of one, or LiveCodeBench's compressed form. */
    static List<JsonNode> testList(JsonNode node) {
        if (node == null || node.isNull()) return List.of();
        JsonNode list = node;
        if (node.isTextual()) {
            String text = node.asText().strip();
            if (text.isEmpty()) return List.of();
            list = CanonicalJson.parse(text.startsWith("[") ? text : decompressed(text));
        }
        if (!list.isArray()) throw new IllegalArgumentException("test cases must be a list, not " + list.getNodeType());
        List<JsonNode> out = new ArrayList<>();
        list.forEach(out::add);
        return out;
    }

    /**
     * LiveCodeBench's private tests: base64 of zlib of a pickle holding one string (the JSON). Only that shape is
     * read (protocol 2 or later, a string opcode): anything else in a pickle is refused, never executed.
     */
    static String decompressed(String base64) {
        byte[] zipped;
        try {
            zipped = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("test cases are neither JSON nor base64 (" + e.getMessage() + ")");
        }
        Inflater inflater = new Inflater();
        inflater.setInput(zipped);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) throw new IllegalArgumentException("truncated zlib data in test cases");
                out.write(buffer, 0, n);
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("test cases are not zlib data: " + e.getMessage());
        } finally {
            inflater.end();
        }
        return pickledString(out.toByteArray());
    }

    private static String pickledString(byte[] pickle) {
        ByteBuffer b = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 2 || (b.get() & 0xff) != 0x80) throw new IllegalArgumentException("test cases: not a pickle of protocol 2 or later");
        b.get();   // protocol number
        if (b.remaining() > 9 && (b.get(b.position()) & 0xff) == 0x95) b.position(b.position() + 9);   // FRAME + 8-byte length
        int op = b.get() & 0xff;
        long length = switch (op) {
            case 0x8c -> b.get() & 0xff;                    // SHORT_BINUNICODE
            case 'X' -> Integer.toUnsignedLong(b.getInt()); // BINUNICODE
            case 0x8d -> b.getLong();                       // BINUNICODE8
            default -> throw new IllegalArgumentException("test cases: the pickle does not hold a string (opcode 0x" + Integer.toHexString(op) + ")");
        };
        if (length < 0 || length > b.remaining()) throw new IllegalArgumentException("test cases: truncated pickle");
        return new String(pickle, b.position(), (int) length, StandardCharsets.UTF_8);
    }

    /**
     * SciCode problems as SciCode publishes them: {@code problem_id}, {@code required_dependencies} (import lines),
     * {@code sub_steps} of {@code {step_number, step_description_prompt, step_background, function_header,
     * return_line, test_cases, ground_truth_code}}.
     *
     * <ul>
     *   <li>{@code params.earlier_steps: generated} (the default, as SciCode's authors and NVIDIA run it): one item per
     *       problem, its steps asked in order, each prompt showing the model's own code for the earlier steps; the steps
     *       SciCode fills in itself ({@code params.prefilled_steps}, default 13.6, 62.1, 76.3) are shown and run with
     *       their {@code ground_truth_code} (SciCode's {@code eval/data/STEP.txt}) and not scored.</li>
     *   <li>{@code params.earlier_steps: reference}: one item per step, {@code PROBLEM.STEP}, the earlier steps shown
     *       and run with their reference code (which SciCode's test split withholds).</li>
     * </ul>
     * {@code params.targets_file}: SciCode's {@code test_data.h5}; each test case then runs after
     * {@code target = targets[i]}, the targets read from that file; without it the test cases must be self-contained.
     * {@code params.with_background: false} leaves the scientists' background out and asks the model to write it, with
     * SciCode's template for that.
     */
    private static List<EvalItem> sciCodeItems(TaskConfig task, Path path, List<ObjectNode> rows, Integer limit, SciCodeTargets targets) {
        TaskParams p = TaskParams.of(task);
        boolean withBackground = p.bool("with_background", true);
        String mode = p.string("earlier_steps", "generated");
        if (!mode.equals("generated") && !mode.equals("reference")) {
            throw new IllegalArgumentException("task " + task.name() + ": params.earlier_steps must be generated or reference, got " + mode);
        }
        Set<String> prefilledSteps = Set.copyOf(p.strings("prefilled_steps", PREFILLED_STEPS));
        String template = withBackground ? SCICODE_PROMPT : SCICODE_PROMPT_WITHOUT_BACKGROUND;
        List<EvalItem> items = new ArrayList<>();
        int index = 0;
        for (int r = 0; r < rows.size(); r++) {
            ObjectNode row = rows.get(r);
            String where = path + " row " + r + ": ";
            JsonNode steps = row.get("sub_steps");
            if (!row.hasNonNull("problem_id") || steps == null || !steps.isArray() || steps.isEmpty()) {
                throw new IllegalArgumentException(where + "needs 'problem_id' and a non-empty 'sub_steps' list");
            }
            String problem = row.get("problem_id").asText();
            String dependencies = row.path("required_dependencies").asText("");
            for (int s = 0; s < steps.size(); s++) {
                JsonNode step = steps.get(s);
                String stepWhere = where + "step " + (s + 1) + ": ";
                for (String field : List.of("step_description_prompt", "function_header")) {
                    if (!step.hasNonNull(field)) throw new IllegalArgumentException(stepWhere + "needs '" + field + "'");
                }
                // the steps SciCode fills in itself have no tests in its test split: they are shown and run, never scored
                if (prefilledSteps.contains(stepId(step, problem, s))) continue;
                JsonNode tests = step.get("test_cases");
                if (tests == null || !tests.isArray() || tests.isEmpty()) throw new IllegalArgumentException(stepWhere + "needs a non-empty 'test_cases' list");
            }
            if (mode.equals("generated")) {
                if (limit != null && items.size() >= limit) return items;
                ArrayNode shown = JsonNodeFactory.instance.arrayNode();
                ObjectNode expected = JsonNodeFactory.instance.objectNode();
                expected.put("problem", problem);
                expected.put("dependencies", dependencies);
                ArrayNode graded = expected.putArray("steps");
                for (int s = 0; s < steps.size(); s++) {
                    JsonNode step = steps.get(s);
                    String stepId = stepId(step, problem, s);
                    ObjectNode shownStep = shown.addObject().put("step", stepId).put("description", description(step, withBackground))
                            .put("next", nextStep(step, withBackground));
                    ObjectNode gradedStep = graded.addObject().put("step", stepId);
                    if (prefilledSteps.contains(stepId)) {
                        if (!step.hasNonNull("ground_truth_code")) {
                            throw new IllegalArgumentException(where + "step " + stepId + " is one SciCode fills in with its own code "
                                    + "(eval/data/" + stepId + ".txt in SciCode's repository): put that code in the step's ground_truth_code, "
                                    + "or list the steps to fill in with params.prefilled_steps");
                        }
                        shownStep.put("prefilled_code", step.get("ground_truth_code").asText());
                        gradedStep.put("prefilled_code", step.get("ground_truth_code").asText());
                    } else {
                        gradedStep.set("tests", step.get("test_cases"));
                        if (targets != null) targets.requireTargets(stepId, step.get("test_cases").size());
                    }
                }
                items.add(new EvalItem(problem, index++, SciCodeSteps.fields(problem, dependencies, template, shown), expected, 0));
                continue;
            }
            for (int s = 0; s < steps.size(); s++) {
                if (limit != null && items.size() >= limit) return items;
                JsonNode step = steps.get(s);
                String stepWhere = where + "step " + (s + 1) + ": ";
                List<String> shown = new ArrayList<>();
                StringBuilder prefix = new StringBuilder(dependencies).append('\n');
                for (int e = 0; e < s; e++) {
                    JsonNode earlier = steps.get(e);
                    if (!earlier.hasNonNull("ground_truth_code")) {
                        throw new IllegalArgumentException(stepWhere + "step " + (e + 1) + " has no ground_truth_code; earlier_steps: reference shows and runs the "
                                + "reference code of earlier steps (SciCode's test split withholds it: use data that has it, or earlier_steps: generated)");
                    }
                    shown.add(description(earlier, withBackground));
                    shown.add(earlier.get("ground_truth_code").asText());
                    prefix.append(earlier.get("ground_truth_code").asText()).append('\n');
                }
                String stepId = stepId(step, problem, s);
                if (prefilledSteps.contains(stepId)) continue;   // not asked, not scored: its code is shown before the later steps
                String next = nextStep(step, withBackground);
                if (targets != null) targets.requireTargets(stepId, step.get("test_cases").size());
                ObjectNode fields = JsonNodeFactory.instance.objectNode();
                fields.put("problem_id", problem);
                fields.put("step", stepId);
                fields.put("problem_steps", String.join("\n\n------\n\n", pairs(shown)));
                fields.put("next_step", next);
                fields.put("dependencies", dependencies);
                fields.put("prompt", template.replace("{{problem_steps}}", fields.get("problem_steps").asText())
                        .replace("{{next_step}}", next).replace("{{dependencies}}", dependencies));
                ObjectNode expected = JsonNodeFactory.instance.objectNode();
                expected.put("problem", problem);
                expected.put("step", stepId);
                expected.put("prefix", prefix.toString());
                expected.set("tests", step.get("test_cases"));
                items.add(new EvalItem(stepId, index++, fields, expected, 0));
            }
        }
        return items;
    }

    private static String stepId(JsonNode step, String problem, int s) {
        return step.hasNonNull("step_number") ? step.get("step_number").asText() : problem + "." + (s + 1);
    }

    /** The next step as SciCode shows it: description, function header, return line. */
    private static String nextStep(JsonNode step, boolean withBackground) {
        return description(step, withBackground) + "\n\n" + step.get("function_header").asText() + "\n\n" + step.path("return_line").asText("");
    }

    private static String description(JsonNode step, boolean withBackground) {
        String d = step.get("step_description_prompt").asText();
        String background = step.path("step_background").asText("");
        return withBackground && !background.isBlank() ? d + "\n" + background : d;
    }

    /** "description\n\ncode" per earlier step (SciCode joins description, code and a rule with blank lines). */
    private static List<String> pairs(List<String> shown) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 1 < shown.size(); i += 2) out.add(shown.get(i) + "\n\n" + shown.get(i + 1));
        return out;
    }
}
