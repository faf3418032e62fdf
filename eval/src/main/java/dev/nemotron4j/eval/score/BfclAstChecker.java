package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BFCL's AST checker, rule for rule ({@code bfcl_eval/eval_checker/ast_eval/ast_checker.py}), for Python functions
 * and for Java and JavaScript ones, whose arguments are source text that BFCL first reads as values
 * ({@link BfclLiterals}; an argument that is not text is a {@code type_error:java} / {@code type_error:js}):
 *
 * <ul>
 *   <li>count: simple categories want one call; {@code multiple} compares the first call with the one answer;
 *       {@code parallel} matches every answer, in turn, with the first unmatched call that passes;</li>
 *   <li>a call: the expected function (dots in its name are underscores in the model's), every {@code required}
 *       parameter of the function's description present, no parameter that the description or the possible answer
 *       lacks, and every possible-answer parameter the call leaves out marked optional by {@code ""};</li>
 *   <li>types, Python's: each value's type must be the described one ({@code integer} takes no float or boolean, a
 *       {@code float} takes an integer, {@code any} is a string, arrays check their items one level deep), unless it is
 *       the type of the possible answers, which marks the value as a variable name (then it must equal an answer
 *       exactly);</li>
 *   <li>values: strings compare after removing spaces and {@code ,./-_*^} and lower-casing (single quotes become
 *       double); lists compare element by element with their strings standardised; dicts key by key against each
 *       possible dict (missing keys must be optional); lists of dicts dict by dict in order; other values must equal
 *       an answer as Python's {@code ==} does ({@code 1 == 1.0 == True}).</li>
 * </ul>
 * Each verdict carries BFCL's error type ({@code type_error:simple}, {@code value_error:string}, ...).
 */
public final class BfclAstChecker {

    /** The verdict: valid, or BFCL's error type and a message. */
    public record Verdict(boolean valid, String errorType, String error) {
        static final Verdict VALID = new Verdict(true, null, null);

        static Verdict invalid(String type, String error) {
            return new Verdict(false, type, error);
        }
    }

    /** Python's types of JSON values, by BFCL's names for them. */
    private enum PyType { STR, INT, FLOAT, BOOL, LIST, DICT, NONE }

    /** The language a category's functions are written in: BFCL reads Java and JavaScript arguments as source text. */
    public enum Language {
        PYTHON, JAVA, JAVASCRIPT;

        /** simple_java and simple_javascript; every other category's functions are Python's. */
        public static Language of(String category) {
            return category.contains("javascript") ? JAVASCRIPT : category.contains("java") ? JAVA : PYTHON;
        }
    }

    private BfclAstChecker() {}

    /**
     * @param calls       the model's calls: {@code [{"name", "arguments": {...}}, ...]}
     * @param answers     the possible answers: {@code [{"func.name": {"param": [acceptable, ...]}}, ...]}
     * @param functions   the offered functions as BFCL describes them (Python type names)
     * @param category    the BFCL category (its name says parallel, multiple or simple)
     */
    public static Verdict check(JsonNode calls, JsonNode answers, JsonNode functions, String category) {
        Language language = Language.of(category);
        if (category.contains("parallel")) return parallelNoOrder(calls, answers, functions, language);
        if (calls.size() != answers.size()) {
            return Verdict.invalid((category.contains("multiple") ? "multiple" : "simple") + "_function_checker:wrong_count", "Wrong number of functions.");
        }
        if (!category.contains("multiple") && calls.size() != 1) return Verdict.invalid("simple_function_checker:wrong_count", "Wrong number of functions.");
        return function(description(functions, firstKey(answers.get(0))), calls.get(0), answers.get(0), language);
    }

    private static Verdict parallelNoOrder(JsonNode calls, JsonNode answers, JsonNode functions, Language language) {
        if (calls.size() != answers.size()) return Verdict.invalid("parallel_function_checker_no_order:wrong_count", "Wrong number of functions.");
        boolean[] matched = new boolean[calls.size()];
        for (int i = 0; i < answers.size(); i++) {
            JsonNode description = description(functions, firstKey(answers.get(i)));
            boolean found = false;
            for (int c = 0; c < calls.size() && !found; c++) {
                if (matched[c]) continue;
                if (function(description, calls.get(c), answers.get(i), language).valid()) {
                    matched[c] = true;
                    found = true;
                }
            }
            if (!found) {
                return Verdict.invalid("parallel_function_checker_no_order:cannot_find_match",
                        "Could not find a matching function for index " + i + " of possible answers.");
            }
        }
        return Verdict.VALID;
    }

    private static String firstKey(JsonNode answer) {
        return answer.fieldNames().next();
    }

    private static JsonNode description(JsonNode functions, String name) {
        if (!functions.isArray()) return functions;
        for (JsonNode f : functions) if (f.path("name").asText().equals(name)) return f;
        throw new IllegalArgumentException("BFCL: the possible answer names function '" + name + "', which the question does not offer");
    }

    /** BFCL's simple_function_checker. */
    static Verdict function(JsonNode description, JsonNode call, JsonNode answer, Language language) {
        String expectedName = firstKey(answer);
        JsonNode possible = answer.get(expectedName);
        if (!call.path("name").asText().equals(expectedName.replace('.', '_'))) {   // the tools were offered with underscores
            return Verdict.invalid("simple_function_checker:wrong_func_name", "Function name '" + expectedName + "' not found in model output.");
        }
        JsonNode args = call.path("arguments");
        if (!args.isObject()) return Verdict.invalid("simple_function_checker:unclear", "the call's arguments are not an object");
        JsonNode properties = description.path("parameters").path("properties");
        for (JsonNode required : description.path("parameters").path("required")) {
            if (!args.has(required.asText())) {
                return Verdict.invalid("simple_function_checker:missing_required", "Missing required parameter: '" + required.asText() + "'.");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = args.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> arg = it.next();
            String param = arg.getKey();
            if (!properties.has(param) || !possible.has(param)) {
                return Verdict.invalid("simple_function_checker:unexpected_param", "Unexpected parameter: '" + param + "'.");
            }
            Verdict v = parameter(param, arg.getValue(), possible.get(param), properties.get(param), language);
            if (!v.valid()) return v;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = possible.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            if (!args.has(p.getKey()) && !containsEmpty(p.getValue())) {
                return Verdict.invalid("simple_function_checker:missing_optional",
                        "Optional parameter '" + p.getKey() + "' not provided and not marked as optional.");
            }
        }
        return Verdict.VALID;
    }

    private static Verdict parameter(String param, JsonNode value, JsonNode possible, JsonNode details, Language language) {
        String described = details.path("type").asText();
        PyType expected;
        PyType nested = null;
        if (language == Language.PYTHON) {
            expected = mapped(described, param);
            if (described.equals("array") || described.equals("tuple")) nested = mapped(details.path("items").path("type").asText(), param);
        } else {
            // Java and JavaScript arguments are source text, read as the value they mean for the described type
            expected = mapped(language, described, param);
            if (!value.isTextual()) {
                return Verdict.invalid(language == Language.JAVA ? "type_error:java" : "type_error:js", "Incorrect type for parameter '" + param
                        + "'. Expected type String, got " + typeOf(value).name().toLowerCase(Locale.ROOT) + ". Parameter value: " + value + ".");
            }
            String nestedType = null;
            if (described.equals("Array") || described.equals("ArrayList") || described.equals("array")) {
                nestedType = details.path("items").path("type").asText();
                nested = mapped(language, nestedType, param);
            }
            value = language == Language.JAVA ? BfclLiterals.java(value.asText(), described, nestedType)
                    : BfclLiterals.javascript(value.asText(), described, nestedType);
        }
        PyType actual = typeOf(value);
        if (language == Language.PYTHON && described.equals("float") && actual == PyType.INT) actual = PyType.FLOAT;   // Python converts int to float here
        Verdict typed = typeCheck(param, value, actual, possible, expected, nested);
        if (!typed.valid()) return typed;
        boolean variable = isVariable(possible, expected);
        if (!variable) {
            if (expected == PyType.DICT) return dict(param, value, possible);
            if (expected == PyType.LIST && nested == PyType.DICT) return listOfDicts(param, value, possible);
            if (expected == PyType.STR) {
                String got = standardize(value.asText());
                for (JsonNode p : possible) if (p.isTextual() && standardize(p.asText()).equals(got)) return Verdict.VALID;
                return Verdict.invalid("value_error:string", "Invalid value for parameter '" + param + "': " + value + ". Expected one of " + possible + ".");
            }
            if (expected == PyType.LIST) {
                for (JsonNode p : possible) if (p.isArray() && pyEquals(standardizedList(value), standardizedList(p))) return Verdict.VALID;
                return Verdict.invalid("value_error:list/tuple", "Invalid value for parameter '" + param + "': " + value + ". Expected one of " + possible + ".");
            }
        }
        for (JsonNode p : possible) if (pyEquals(value, p)) return Verdict.VALID;
        return Verdict.invalid("value_error:others", "Invalid value for parameter '" + param + "': " + value + ". Expected one of " + possible + ".");
    }

    private static PyType mapped(String described, String param) {
        return switch (described) {
            case "string", "any" -> PyType.STR;
            case "integer" -> PyType.INT;
            case "float" -> PyType.FLOAT;
            case "boolean" -> PyType.BOOL;
            case "array", "tuple" -> PyType.LIST;
            case "dict" -> PyType.DICT;
            default -> throw new IllegalArgumentException("BFCL: parameter '" + param + "' has type '" + described
                    + "', which is not one of BFCL's Python types (string, integer, float, boolean, array, tuple, dict, any)");
        };
    }

    /** BFCL's JAVA_TYPE_CONVERSION and JS_TYPE_CONVERSION. */
    private static PyType mapped(Language language, String described, String param) {
        PyType t = language == Language.JAVA ? switch (described) {
            case "byte", "short", "integer", "long" -> PyType.INT;
            case "float", "double" -> PyType.FLOAT;
            case "boolean" -> PyType.BOOL;
            case "char", "String", "any" -> PyType.STR;
            case "Array", "ArrayList", "Queue", "Stack" -> PyType.LIST;
            case "HashMap", "Hashtable" -> PyType.DICT;
            default -> null;
        } : switch (described) {
            case "String", "any" -> PyType.STR;
            case "integer", "Bigint" -> PyType.INT;
            case "float" -> PyType.FLOAT;
            case "Boolean" -> PyType.BOOL;
            case "dict" -> PyType.DICT;
            case "array" -> PyType.LIST;
            default -> null;
        };
        if (t == null) {
            throw new IllegalArgumentException("BFCL: parameter '" + param + "' has type '" + described + "', which is not one of BFCL's "
                    + (language == Language.JAVA ? "Java types (byte, short, integer, long, float, double, boolean, char, String, any, Array, "
                    + "ArrayList, HashMap)" : "JavaScript types (String, integer, float, Bigint, Boolean, dict, array, any)"));
        }
        return t;
    }

    private static PyType typeOf(JsonNode v) {
        if (v.isTextual()) return PyType.STR;
        if (v.isBoolean()) return PyType.BOOL;
        if (v.isIntegralNumber()) return PyType.INT;
        if (v.isNumber()) return PyType.FLOAT;
        if (v.isArray()) return PyType.LIST;
        if (v.isObject()) return PyType.DICT;
        return PyType.NONE;
    }

    /** The type of the first possible answer that is not the optional marker, or null. */
    private static PyType answerType(JsonNode possible) {
        for (JsonNode p : possible) if (!(p.isTextual() && p.asText().isEmpty())) return typeOf(p);
        return null;
    }

    private static boolean isVariable(JsonNode possible, PyType expected) {
        PyType t = answerType(possible);
        return t != null && t != expected;
    }

    /** BFCL's type_checker (nested types one level deep). */
    private static Verdict typeCheck(String param, JsonNode value, PyType actual, JsonNode possible, PyType expected, PyType nested) {
        if (actual == expected) {
            if (nested == null) return Verdict.VALID;
            for (JsonNode item : possible) {
                boolean ok = true;
                if (item.isArray()) {
                    for (JsonNode element : value) {
                        PyType t = typeOf(element);
                        if (!typeCheck(param, element, t, item, nested, null).valid()) {
                            ok = false;
                            break;
                        }
                    }
                }
                if (ok) return Verdict.VALID;
            }
            return Verdict.invalid("type_error:nested", "Nested type checking failed for parameter '" + param + "'. Parameter value: " + value + ".");
        }
        PyType answered = answerType(possible);
        if (answered != null && actual == answered) return Verdict.VALID;   // a variable name standing for the value
        return Verdict.invalid("type_error:simple", "Incorrect type for parameter '" + param + "'. Expected type " + expected.name().toLowerCase(Locale.ROOT)
                + ", got " + actual.name().toLowerCase(Locale.ROOT) + ". Parameter value: " + value + ".");
    }

    private static Verdict dict(String param, JsonNode value, JsonNode possibleDicts) {
        Verdict last = Verdict.invalid("dict_checker:unclear", "no possible dict for parameter '" + param + "'");
        for (JsonNode possible : possibleDicts) {
            if (possible.isTextual() && possible.asText().isEmpty()) continue;
            last = oneDict(value, possible);
            if (last.valid()) return last;
        }
        return last;
    }

    private static Verdict oneDict(JsonNode value, JsonNode possible) {
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!possible.has(e.getKey())) return Verdict.invalid("value_error:dict_key", "Unexpected dict key parameter: '" + e.getKey() + "'.");
            JsonNode v = e.getValue().isTextual() ? text(standardize(e.getValue().asText())) : e.getValue();
            boolean found = false;
            for (JsonNode p : possible.get(e.getKey())) {
                JsonNode s = p.isTextual() ? text(standardize(p.asText())) : p;
                if (pyEquals(v, s)) {
                    found = true;
                    break;
                }
            }
            if (!found) return Verdict.invalid("value_error:dict_value", "Invalid value for parameter '" + e.getKey() + "': " + e.getValue() + ".");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = possible.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!value.has(e.getKey()) && !containsEmpty(e.getValue())) {
                return Verdict.invalid("value_error:dict_key", "Missing dict key parameter: '" + e.getKey() + "'.");
            }
        }
        return Verdict.VALID;
    }

    private static Verdict listOfDicts(String param, JsonNode value, JsonNode possibleLists) {
        Verdict last = Verdict.invalid("list_dict_checker:unclear", "no possible list of dicts for parameter '" + param + "'");
        for (JsonNode possible : possibleLists) {
            if (possible.size() != value.size() || !possible.isArray()) {
                last = Verdict.invalid("value_error:list_dict_count", "Wrong number of dictionaries in the list.");
                continue;
            }
            boolean ok = true;
            for (int i = 0; i < value.size() && ok; i++) {
                last = value.get(i).isObject() ? oneDict(value.get(i), possible.get(i)) : Verdict.invalid("value_error:dict_value", "not a dict");
                ok = last.valid();
            }
            if (ok) return Verdict.VALID;
        }
        return last;
    }

    private static boolean containsEmpty(JsonNode values) {
        if (!values.isArray()) return false;
        for (JsonNode v : values) if (v.isTextual() && v.asText().isEmpty()) return true;
        return false;
    }

    /** BFCL's standardize_string: no spaces or {@code ,./-_*^}, lower case, single quotes as double. */
    static String standardize(String s) {
        return s.replaceAll("[ ,./\\-_*^]", "").toLowerCase(Locale.ROOT).replace('\'', '"');
    }

    private static JsonNode text(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s);
    }

    private static JsonNode standardizedList(JsonNode list) {
        com.fasterxml.jackson.databind.node.ArrayNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        for (JsonNode e : list) out.add(e.isTextual() ? text(standardize(e.asText())) : e);
        return out;
    }

    /** Python's {@code ==} on JSON values: numbers and booleans by value ({@code True == 1 == 1.0}), the rest structurally. */
    static boolean pyEquals(JsonNode a, JsonNode b) {
        if (nonFinite(a) || nonFinite(b)) {   // inf and nan from a converted literal: compared as Python floats
            return (a.isNumber() || a.isBoolean()) && (b.isNumber() || b.isBoolean()) && asDouble(a) == asDouble(b);
        }
        BigDecimal x = number(a), y = number(b);
        if (x != null || y != null) return x != null && y != null && x.compareTo(y) == 0;
        if (a.isTextual() || b.isTextual()) return a.isTextual() && b.isTextual() && a.asText().equals(b.asText());
        if (a.isArray() || b.isArray()) {
            if (!a.isArray() || !b.isArray() || a.size() != b.size()) return false;
            for (int i = 0; i < a.size(); i++) if (!pyEquals(a.get(i), b.get(i))) return false;
            return true;
        }
        if (a.isObject() || b.isObject()) {
            if (!a.isObject() || !b.isObject() || a.size() != b.size()) return false;
            List<String> keys = new ArrayList<>();
            a.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) if (!b.has(k) || !pyEquals(a.get(k), b.get(k))) return false;
            return true;
        }
        return a.isNull() && b.isNull();
    }

    private static boolean nonFinite(JsonNode v) {
        return v.isFloatingPointNumber() && !Double.isFinite(v.doubleValue());
    }

    private static double asDouble(JsonNode v) {
        return v.isBoolean() ? (v.booleanValue() ? 1 : 0) : v.doubleValue();
    }

    private static BigDecimal number(JsonNode v) {
        if (v.isBoolean()) return v.booleanValue() ? BigDecimal.ONE : BigDecimal.ZERO;
        if (v.isNumber()) return v.decimalValue();
        return null;
    }
}
