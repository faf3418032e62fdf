package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.extract.Extraction;
import dev.nemotron4j.eval.sandbox.CodeSandbox;
import dev.nemotron4j.eval.sandbox.ExecutionLimits;
import dev.nemotron4j.eval.sandbox.ExecutionResult;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * LiveCodeBench-style grading: the extracted program runs once per test case in the sandbox, in order, and the sample
 * passes (score 1) when every test passes; the first failing test ends the grading, as LiveCodeBench does. Two kinds of
 * test (the reference is {@code {"tests": [{"input", "output", "testtype"}], "fn_name": …}}):
 * <ul>
 * <li>{@code stdin}: the input is the program's standard input; its output matches when, both stripped and split into
 * lines, every line is equal after stripping, or else holds the same numbers (each whitespace-separated token read
 * as a decimal), LiveCodeBench's rule.</li>
 * <li>{@code functional} (LeetCode-style): the input holds one JSON argument per line; a small driver calls
 * {@code Solution().fn_name(*args)} (or a top-level {@code fn_name}) and the JSON of its result (tuples as lists) must
 * equal the expected JSON, numbers compared by value.</li>
 * </ul>
 * Details per sample: {@code verdict} ({@code passed}, {@code wrong_answer}, {@code no_code}, or the run's outcome
 * such as {@code runtime_error}, {@code cpu_limit}, {@code memory_limit}), tests {@code passed} of {@code tests}, the
 * 0-based {@code failed_test} and the end of its standard error.
 */
public record CodeTestsScorer(CodeSandbox sandbox, ExecutionLimits limits) implements Scorer {

    /** Printed by the functional driver before the JSON of the result; the text after its last occurrence is read. */
    static final String RESULT_MARKER = "\n@@nemotron4j-result@@";
    private static final ObjectMapper LENIENT = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    @Override
    public String name() { return "code_tests"; }

    @Override
    public int version() { return 1; }

    @Override
    public JsonNode environment() {
        return sandbox.identity(limits);
    }

    @Override
    public Scored judge(Extraction extracted, JsonNode expected) {
        JsonNode tests = expected == null ? null : expected.get("tests");
        if (tests == null || !tests.isArray() || tests.isEmpty()) {
            throw new IllegalArgumentException("code_tests scorer: the reference needs a non-empty 'tests' list, not " + expected);
        }
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        if (expected.hasNonNull("difficulty")) details.put("difficulty", expected.get("difficulty").asText());
        details.put("tests", tests.size());
        if (!extracted.found()) {
            details.put("verdict", "no_code").put("passed", 0);
            return new Scored(0, details);
        }
        String fnName = expected.path("fn_name").asText("");
        for (int i = 0; i < tests.size(); i++) {
            JsonNode test = tests.get(i);
            boolean functional = "functional".equals(test.path("testtype").asText("stdin"));
            if (functional && fnName.isEmpty()) {
                throw new IllegalArgumentException("code_tests scorer: test " + i + " is functional but the reference has no fn_name");
            }
            String source = functional ? extracted.value() + driver(fnName) : extracted.value();
            ExecutionResult run = sandbox.run(source, test.path("input").asText(), limits);
            String verdict = run.ok() ? (functional ? functionalVerdict(run.stdout(), test.path("output").asText())
                    : stdoutMatches(run.stdout(), test.path("output").asText()) ? null : "wrong_answer") : run.outcome().key();
            if (verdict != null) {
                details.put("verdict", verdict).put("passed", i).put("failed_test", i);
                run.describeFailure(details);
                return new Scored(0, details);
            }
        }
        details.put("verdict", "passed").put("passed", tests.size());
        return new Scored(1, details);
    }

    /** Calls the solution with the JSON arguments on standard input and prints the JSON of the result after the marker. */
    static String driver(String fnName) {
        if (!fnName.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("fn_name is not a Python name: " + fnName);
        return "\n\n\ndef _nemotron4j_call():\n"
                + "    import json as _json, sys as _sys\n"
                + "    _args = [_json.loads(_line) for _line in _sys.stdin.read().split('\\n') if _line.strip()]\n"
                + "    _holder = globals().get('Solution')\n"
                + "    _fn = getattr(_holder(), '" + fnName + "') if _holder is not None and hasattr(_holder, '" + fnName + "') else globals()['" + fnName + "']\n"
                + "    _result = _fn(*_args)\n"
                + "    if isinstance(_result, tuple):\n"
                + "        _result = list(_result)\n"
                + "    _sys.stdout.write(" + pythonString(RESULT_MARKER) + " + _json.dumps(_result))\n"
                + "\n\n_nemotron4j_call()\n";
    }

    private static String pythonString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("\n", "\\n").replace("'", "\\'") + "'";
    }

    /** null when the result after the last marker equals the expected JSON, else the verdict. */
    static String functionalVerdict(String stdout, String expectedJson) {
        int at = stdout.lastIndexOf(RESULT_MARKER);
        if (at < 0) return "wrong_answer";
        try {
            JsonNode actual = LENIENT.readTree(stdout.substring(at + RESULT_MARKER.length()));
            JsonNode expected = LENIENT.readTree(expectedJson);
            return jsonEquals(actual, expected) ? null : "wrong_answer";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return "wrong_answer";
        }
    }

    /** Python's == on JSON values: numbers by value (1 == 1.0), lists in order, objects by keys. */
    static boolean jsonEquals(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            if (a.isDouble() && !Double.isFinite(a.doubleValue()) || b.isDouble() && !Double.isFinite(b.doubleValue())) {
                return a.doubleValue() == b.doubleValue();
            }
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) return false;
            for (int i = 0; i < a.size(); i++) if (!jsonEquals(a.get(i), b.get(i))) return false;
            return true;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) return false;
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!b.has(e.getKey()) || !jsonEquals(e.getValue(), b.get(e.getKey()))) return false;
            }
            return true;
        }
        return a.equals(b);
    }

    /** LiveCodeBench's rule for standard-output tests: equal stripped lines, or the same numbers line by line. */
    static boolean stdoutMatches(String actual, String expected) {
        List<String> a = strippedLines(actual), e = strippedLines(expected);
        if (a.size() != e.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).equals(e.get(i))) continue;
            List<BigDecimal> x = decimals(a.get(i)), y = decimals(e.get(i));
            if (x == null || y == null || x.size() != y.size()) return false;
            for (int j = 0; j < x.size(); j++) if (x.get(j).compareTo(y.get(j)) != 0) return false;
        }
        return true;
    }

    private static List<String> strippedLines(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.strip().split("\n", -1)) out.add(line.strip());
        return out;
    }

    private static List<BigDecimal> decimals(String line) {
        List<BigDecimal> out = new ArrayList<>();
        for (String token : line.split("\\s+")) {
            if (token.isEmpty()) continue;
            try {
                out.add(new BigDecimal(token));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return out;
    }
}
