package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.extract.Extraction;
import dev.nemotron4j.eval.json.CanonicalJson;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BFCL-style structural comparison of tool calls (AST matching): same number of calls, same function names,
 * no unknown arguments, and every expected argument equal to one of its acceptable values. Several calls match in any
 * order, as BFCL's {@code parallel_function_checker_no_order} does: each expected call, in turn, takes the first call
 * not yet taken that matches it.
 *
 * <p>Two reference shapes are accepted:
 * <ul>
 *   <li>plain: {@code {"name": "get_weather", "arguments": {"city": "Paris"}}} (values must match);</li>
 *   <li>BFCL possible-answer: {@code {"get_weather": {"city": ["Paris", "Paris, France"], "unit": ["", "celsius"]}}}
 *       where each list holds acceptable values and {@code ""} marks the argument optional.</li>
 * </ul>
 * Either may be wrapped in a list for several calls. Numbers compare numerically (5 = 5.0); strings
 * ignore case, spaces and the punctuation BFCL ignores.
 *
 * <p>BFCL's own tasks give {@code {"ground_truth": [...], "functions": [...], "category": "..."}}: the possible answers
 * with the offered functions' descriptions, and are checked by {@link BfclAstChecker} with BFCL's strict Python type
 * rules (an integer parameter takes no {@code 3.0}, required parameters, variables); the details then name BFCL's
 * error type.
 */
public record ToolCallMatchScorer() implements Scorer {

    @Override
    public String name() { return "tool_call_match"; }

    @Override
    public int version() { return 4; }

    private record ExpectedCall(String name, Map<String, List<JsonNode>> acceptable) {}

    @Override
    public Scored judge(Extraction extracted, JsonNode expected) {
        if (expected == null || !expected.has("ground_truth") || !expected.has("functions")) return new Scored(structural(extracted, expected), null);
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        if (!extracted.found()) return new Scored(0, details.put("error_type", "no_tool_call"));
        JsonNode got;
        try {
            got = CanonicalJson.parse(extracted.value());
        } catch (IllegalArgumentException e) {
            return new Scored(0, details.put("error_type", "unparsable_calls"));
        }
        if (!got.isArray()) return new Scored(0, details.put("error_type", "unparsable_calls"));
        BfclAstChecker.Verdict v = BfclAstChecker.check(got, expected.get("ground_truth"), expected.get("functions"),
                expected.path("category").asText());
        if (v.valid()) return new Scored(1, null);
        return new Scored(0, details.put("error_type", v.errorType()).put("error", v.error()));
    }

    /** The plain and BFCL-shaped references without the function descriptions: structural matching. */
    private static double structural(Extraction extracted, JsonNode expected) {
        if (!extracted.found()) return 0;
        JsonNode got;
        try {
            got = CanonicalJson.parse(extracted.value());
        } catch (IllegalArgumentException e) {
            return 0;
        }
        List<ExpectedCall> want = expectedCalls(expected);
        if (!got.isArray() || got.size() != want.size()) return 0;
        boolean[] taken = new boolean[got.size()];
        for (ExpectedCall call : want) {
            int match = -1;
            for (int j = 0; j < got.size() && match < 0; j++) if (!taken[j] && matches(got.get(j), call)) match = j;
            if (match < 0) return 0;
            taken[match] = true;
        }
        return 1;
    }

    private static boolean matches(JsonNode call, ExpectedCall want) {
        if (!functionName(call.path("name").asText()).equals(functionName(want.name))) return false;
        JsonNode args = call.path("arguments");
        if (!args.isObject()) return false;
        for (Iterator<String> it = args.fieldNames(); it.hasNext(); ) {
            if (!want.acceptable.containsKey(it.next())) return false;
        }
        for (Map.Entry<String, List<JsonNode>> param : want.acceptable.entrySet()) {
            JsonNode value = args.get(param.getKey());
            if (value == null || value.isNull()) {
                if (param.getValue().stream().noneMatch(v -> v.isTextual() && v.asText().isEmpty())) return false;
                continue;
            }
            if (param.getValue().stream().noneMatch(v -> equivalent(value, v))) return false;
        }
        return true;
    }

    private static List<ExpectedCall> expectedCalls(JsonNode expected) {
        List<ExpectedCall> calls = new ArrayList<>();
        ArrayNode list = expected.isArray() ? (ArrayNode) expected : JsonNodeFactory.instance.arrayNode().add(expected);
        for (JsonNode e : list) {
            if (e.has("name") && e.has("arguments")) {
                Map<String, List<JsonNode>> acceptable = new java.util.TreeMap<>();
                e.get("arguments").fields().forEachRemaining(f -> acceptable.put(f.getKey(), List.of(f.getValue())));
                calls.add(new ExpectedCall(e.get("name").asText(), acceptable));
            } else {
                ObjectNode o = (ObjectNode) e;
                Map.Entry<String, JsonNode> only = o.fields().next();
                Map<String, List<JsonNode>> acceptable = new java.util.TreeMap<>();
                only.getValue().fields().forEachRemaining(f -> {
                    List<JsonNode> values = new ArrayList<>();
                    if (f.getValue().isArray()) f.getValue().forEach(values::add);
                    else values.add(f.getValue());
                    acceptable.put(f.getKey(), values);
                });
                calls.add(new ExpectedCall(only.getKey(), acceptable));
            }
        }
        return calls;
    }

    private static String functionName(String name) {
        return name.replace('.', '_');
    }

    static boolean equivalent(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        if (a.isTextual() && b.isTextual()) return standardise(a.asText()).equals(standardise(b.asText()));
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) return false;
            for (int i = 0; i < a.size(); i++) if (!equivalent(a.get(i), b.get(i))) return false;
            return true;
        }
        if (a.isObject() && b.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                JsonNode other = b.get(f.getKey());
                if (other == null) return false;
                // nested BFCL answers list acceptable values too
                if (other.isArray() && !f.getValue().isArray()) {
                    boolean any = false;
                    for (JsonNode alt : other) any |= equivalent(f.getValue(), alt);
                    if (!any) return false;
                } else if (!equivalent(f.getValue(), other)) return false;
            }
            // a key the answer leaves out must be optional in the reference ("" among its values), as in BFCL's dict check
            for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (a.has(f.getKey())) continue;
                boolean optional = false;
                if (f.getValue().isArray()) for (JsonNode alt : f.getValue()) optional |= alt.isTextual() && alt.asText().isEmpty();
                if (!optional) return false;
            }
            return true;
        }
        return a.equals(b);
    }

    private static String standardise(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[\\s,./\\-_*^]", "");
    }
}
