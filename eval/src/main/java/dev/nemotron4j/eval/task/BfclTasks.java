package dev.nemotron4j.eval.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.config.EvalConfig.GenerationConfig;
import dev.nemotron4j.eval.config.EvalConfig.TaskConfig;
import dev.nemotron4j.eval.extract.AnswerExtractor;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.score.BfclAstChecker;
import dev.nemotron4j.eval.score.Scorer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BFCL v4's single-turn categories read from the leaderboard's own files ({@code bfcl_eval/data/BFCL_v4_*.json}, one
 * JSON object a line: {@code id}, {@code question} (turns of messages), {@code function} (the offered functions)) and
 * its possible-answer files ({@code possible_answer/BFCL_v4_*.json}: {@code id}, {@code ground_truth}), joined by id.
 *
 * <ul>
 *   <li>AST categories ({@code simple_python}/{@code simple}, {@code multiple}, {@code parallel},
 *       {@code parallel_multiple} and their {@code live_} versions): scored by {@code tool_call_match}, BFCL's AST
 *       checker with its Python type rules against the functions' descriptions ({@code BfclAstChecker});
 *       {@code params.answers_file} names the possible answers.</li>
 *   <li>{@code irrelevance}, {@code live_irrelevance}: none of the functions fits; the answer passes when it makes no
 *       call ({@code no_tool_call}).</li>
 *   <li>{@code live_relevance}: some call is due; any call passes ({@code any_tool_call}).</li>
 * </ul>
 * The category is {@code params.category}, else read from the ids ({@code live_simple_3-2-1} is live_simple). The
 * question's messages are sent as they are (system turns included) with the functions as tools, as BFCL's
 * function-calling mode offers them ({@link BfclTools}: the language hint, Java and JavaScript parameters as source
 * text, dots in names as underscores, which the scorer treats alike, JSON Schema types). simple_java and
 * simple_javascript are checked with BFCL's readings of Java and JavaScript literals. The multi-turn, memory,
 * web-search and format-sensitivity categories need BFCL's simulated APIs and state checks: they are refused with a
 * message saying so.
 */
final class BfclTasks {
    private BfclTasks() {}

    static final String MESSAGES_FIELD = "messages";
    static final String TOOLS_FIELD = "tools";
    private static final Pattern CATEGORY = Pattern.compile("^(.*?)_\\d+(-\\d+)*$");
    /** The Java and JavaScript types BFCL's converters read (Set, Hashtable, Queue and Stack they do not). */
    private static final Set<String> JAVA_TYPES = Set.of("byte", "short", "integer", "long", "float", "double", "boolean", "char", "String",
            "any", "Array", "ArrayList", "HashMap");
    private static final Set<String> JAVASCRIPT_TYPES = Set.of("String", "integer", "float", "Bigint", "Boolean", "dict", "array", "any");

    /** What a category asks and how it is scored. */
    enum Check {
        AST("tool_call_match"), NO_CALL("no_tool_call"), ANY_CALL("any_tool_call");

        final String scorer;

        Check(String scorer) { this.scorer = scorer; }
    }

    static Check check(String category, String task) {
        return switch (category) {
            case "simple", "simple_python", "simple_java", "simple_javascript", "multiple", "parallel", "parallel_multiple", "live_simple", "live_multiple", "live_parallel",
                 "live_parallel_multiple" -> Check.AST;
            case "irrelevance", "live_irrelevance" -> Check.NO_CALL;
            case "live_relevance" -> Check.ANY_CALL;
            default -> throw new IllegalArgumentException("task " + task + ": BFCL category '" + category + "' is not supported: "
                    + (category.startsWith("multi_turn") || category.startsWith("memory") || category.startsWith("web_search")
                    ? "it needs BFCL's simulated APIs and state-based checking, which this harness does not have"
                    : "the single-turn categories are simple_python, simple_java, simple_javascript, multiple, parallel, parallel_multiple, live_simple, live_multiple, "
                    + "live_parallel, live_parallel_multiple, irrelevance, live_irrelevance, live_relevance"));
        };
    }

    static TaskDefinition definition(TaskConfig task, GenerationConfig generation, int repeats, Integer limit,
                                     java.util.function.UnaryOperator<List<EvalItem>> subset) {
        if (task.dataset() == null) throw new IllegalArgumentException("task " + task.name() + ": dataset missing (a BFCL_v4_*.json question file)");
        Path path = Path.of(task.dataset()).toAbsolutePath().normalize();
        TaskParams p = TaskParams.of(task);
        List<ObjectNode> rows = JsonlDataset.read(path);
        if (rows.isEmpty()) throw new IllegalArgumentException(path + ": no questions");
        String category = p.string("category", null);
        if (category == null) category = categoryOf(rows.getFirst(), path);
        Check check = check(category, task.name());
        Map<String, JsonNode> answers = new HashMap<>();
        String answersSha = null;
        if (check == Check.AST) {
            String file = p.string("answers_file", null);
            if (file == null) {
                throw new IllegalArgumentException("task " + task.name() + ": BFCL " + category + " is scored against possible answers: set "
                        + "params.answers_file to possible_answer/" + path.getFileName() + " from the BFCL data");
            }
            Path answersPath = Path.of(file).toAbsolutePath().normalize();
            for (ObjectNode a : JsonlDataset.read(answersPath)) {
                if (!a.hasNonNull("id") || !a.has("ground_truth")) throw new IllegalArgumentException(answersPath + ": rows need 'id' and 'ground_truth'");
                answers.put(a.get("id").asText(), a.get("ground_truth"));
            }
            answersSha = Sha256.ofFile(answersPath);
        }
        List<EvalItem> items = new ArrayList<>();
        for (int i = 0; i < rows.size() && (limit == null || i < limit); i++) {
            ObjectNode row = rows.get(i);
            String where = path + " row " + i + ": ";
            if (!row.hasNonNull("id") || !row.path("question").isArray() || !row.path("function").isArray()) {
                throw new IllegalArgumentException(where + "a BFCL question needs 'id', 'question' and 'function'");
            }
            String id = row.get("id").asText();
            String rowCategory = categoryOf(row, path);
            if (p.string("category", null) == null && !rowCategory.equals(category)) {
                throw new IllegalArgumentException(where + "id " + id + " is " + rowCategory + ", the file's first is " + category
                        + " (one category per task)");
            }
            JsonNode turns = row.get("question");
            if (turns.size() != 1) throw new IllegalArgumentException(where + id + " has " + turns.size() + " turns; single-turn categories have one");
            ObjectNode fields = JsonNodeFactory.instance.objectNode();
            fields.put("id", id);
            fields.set(MESSAGES_FIELD, turns.get(0));
            ArrayNode tools = fields.putArray(TOOLS_FIELD);
            BfclAstChecker.Language language = BfclAstChecker.Language.of(category);
            for (JsonNode function : row.get("function")) {
                if (language != BfclAstChecker.Language.PYTHON) requireConvertibleTypes(function, language, where + id);
                tools.add(BfclTools.tool(function, language));
            }
            JsonNode expected = NullNode.getInstance();
            if (check == Check.AST) {
                JsonNode truth = answers.get(id);
                if (truth == null) throw new IllegalArgumentException(where + "no possible answer for " + id + " in params.answers_file");
                // BFCL checks against the functions' own descriptions (Python types, required parameters)
                ObjectNode reference = JsonNodeFactory.instance.objectNode();
                reference.set("ground_truth", truth);
                reference.set("functions", row.get("function"));
                reference.put("category", category);
                expected = reference;
            }
            items.add(new EvalItem(id, i, fields, expected, 0));
        }
        items = subset.apply(items);
        String hash = answersSha == null ? Sha256.ofFile(path) : Sha256.hex(Sha256.ofFile(path) + "|" + answersSha);
        Map<String, Object> axis = new java.util.LinkedHashMap<>();
        axis.put("base_task", task.name());
        axis.put("bfcl_category", category);
        return new TaskDefinition(task.name(), "bfcl", items, new PromptTemplate(List.of(), MESSAGES_FIELD), null, TOOLS_FIELD,
                AnswerExtractor.named(task.extractor() != null ? task.extractor() : "tool_call", task.extractorParams()),
                Scorer.named(task.scorer() != null ? task.scorer() : check.scorer), generation, repeats, false,
                hash, path.toString(), axis, null);
    }

    /** {@code live_simple_3-2-1} → live_simple; {@code irrelevance_12} → irrelevance. */
    static String categoryOf(JsonNode row, Path path) {
        Matcher m = CATEGORY.matcher(row.path("id").asText());
        if (!m.matches()) throw new IllegalArgumentException(path + ": cannot tell the BFCL category of id '" + row.path("id").asText()
                + "' (set params.category)");
        return m.group(1);
    }

    /** A Java or JavaScript parameter of a type BFCL's converters do not read would stop BFCL's checker: refused up front. */
    private static void requireConvertibleTypes(JsonNode function, BfclAstChecker.Language language, String where) {
        Set<String> known = language == BfclAstChecker.Language.JAVA ? JAVA_TYPES : JAVASCRIPT_TYPES;
        for (Iterator<Map.Entry<String, JsonNode>> it = function.path("parameters").path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            String type = p.getValue().path("type").asText();
            boolean list = type.equals("Array") || type.equals("ArrayList") || type.equals("array");
            for (String t : list ? List.of(type, p.getValue().path("items").path("type").asText()) : List.of(type)) {
                if (!known.contains(t)) {
                    throw new IllegalArgumentException(where + ": parameter '" + p.getKey() + "' of " + function.path("name").asText() + " is a "
                            + language.name().toLowerCase(java.util.Locale.ROOT) + " " + t + ", which BFCL's checker cannot read (it reads "
                            + String.join(", ", new java.util.TreeSet<>(known)) + ")");
                }
            }
        }
    }
}
