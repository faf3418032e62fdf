package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BFCL's reading of Java and JavaScript arguments ({@code bfcl_eval/eval_checker/ast_eval/type_convertor}): the model
 * gives every argument of a Java or JavaScript function as source text ({@code "5"}, {@code "3.5f"},
 * {@code "new ArrayList<>(Arrays.asList(\"a\", \"b\"))"}, {@code "[1, 2]"}, {@code "{key: 'v'}"}), and BFCL turns the text
 * into the Python value it means when the text has the form it expects for the described type, else keeps the text
 * as a string (which then fails the type check or compares as a string). Its regular expressions are reproduced with
 * Python's semantics ({@code .} stops only at {@code \n}, {@code $} also matches before a final {@code \n},
 * {@code \d}/{@code \w}/{@code \s} are Unicode's), its quirks included: a Java {@code char} is never converted (its
 * pattern cannot match), a Java {@code String} keeps its quotes, elements are split at every comma, a JavaScript
 * object ends at its first {@code }}.
 */
final class BfclLiterals {
    private BfclLiterals() {}

    private static final int FLAGS = Pattern.UNIX_LINES | Pattern.UNICODE_CHARACTER_CLASS;
    private static final int DOTALL = FLAGS | Pattern.DOTALL;

    private static Pattern p(String regex) {
        return Pattern.compile(regex, FLAGS);
    }

    private static final Pattern INT = p("^-?\\d+$");
    private static final Pattern JAVA_FLOAT = p("^-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?[fF]$");
    private static final Pattern JAVA_DOUBLE = p("^-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?$");
    private static final Pattern JAVA_LONG = p("^-?\\d+[lL]$");
    private static final Pattern FLOAT_SUFFIX = p("[fF]$");
    private static final Pattern LONG_SUFFIX = p("[lL]$");
    private static final Pattern AS_LIST = p("new\\s+ArrayList<\\w*>\\(Arrays\\.asList\\((.+?)\\)\\)");
    private static final Pattern ADDS = Pattern.compile("new\\s+ArrayList<\\w*>\\(\\)\\s*\\{\\{\\s*(.+?)\\s*\\}\\}", DOTALL);
    private static final Pattern ADD = p("add\\((.+?)\\)");
    private static final Pattern EMPTY_LIST = p("new\\s+ArrayList<\\w*>\\(\\)");
    private static final Pattern ARRAY = p("new\\s+\\w+\\[\\]\\s*\\{(.*?)\\}");
    private static final Pattern HASHMAP = Pattern.compile("new\\s+HashMap<.*?>\\s*\\(\\)\\s*\\{\\s*\\{?\\s*(.*?)\\s*\\}?\\s*\\}", DOTALL);
    private static final Pattern PUT = p("put\\(\"(.*?)\",\\s*(.*?)\\)");
    private static final Pattern EMPTY_MAP = p("new\\s+HashMap<.*?>\\s*\\(\\)");
    private static final Pattern JS_FLOAT = p("^-?\\d+(\\.\\d+)?$");
    private static final Pattern JS_BIGINT = p("^-?\\d+n$");
    private static final Pattern JS_ARRAY_2D = p("\\[\\s*\\[.*?\\]\\s*(,\\s*\\[.*?\\]\\s*)*\\]|\\bnew\\s+Array\\(\\s*\\[.*?\\]\\s*(,\\s*\\[.*?\\]\\s*)*\\)");
    private static final Pattern JS_ARRAY = p("\\[(.*?)\\]|\\bnew\\s+Array\\((.*?)\\)");
    private static final Pattern JS_INNER_ARRAY = p("\\[(.*?)\\]");
    private static final Pattern JS_OBJECT = p("\\{(.*?)\\}");
    private static final Pattern JS_PAIR = p("([^:]+):\\s*(.*?)(?:,\\s*(?=[^,]+:)|$)");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** BFCL's {@code java_type_converter}: the value the text means for the described Java type. */
    static JsonNode java(String value, String type, String nested) {
        return switch (type) {
            case "byte", "short", "integer" -> INT.matcher(value).find() ? integer(value) : text(value);
            case "float" -> JAVA_FLOAT.matcher(value).find() ? decimal(FLOAT_SUFFIX.matcher(value).replaceFirst("")) : text(value);
            case "double" -> JAVA_DOUBLE.matcher(value).find() ? decimal(value) : text(value);
            case "long" -> JAVA_LONG.matcher(value).find() ? integer(LONG_SUFFIX.matcher(value).replaceFirst("")) : text(value);
            case "boolean" -> value.equals("true") || value.equals("false") ? BooleanNode.valueOf(value.equals("true")) : text(value);
            case "char" -> text(value);   // BFCL's pattern for a char literal, ^\'.$\', matches no text: it stays as written
            case "ArrayList" -> arrayList(value, nested);
            case "Array" -> array(value, nested);
            case "HashMap" -> hashMap(value);
            case "String", "any" -> text(value);
            case "Set", "Hashtable", "Queue", "Stack" ->
                    throw new IllegalArgumentException("BFCL does not convert Java " + type + " arguments (its converter raises NotImplementedError)");
            default -> throw new IllegalArgumentException("BFCL: unsupported Java type '" + type + "'");
        };
    }

    private static JsonNode arrayList(String input, String nested) {
        Matcher m = AS_LIST.matcher(input);
        if (m.find()) {
            ArrayNode out = JSON.arrayNode();
            for (String element : m.group(1).split(",", -1)) out.add(javaElement(pyStrip(element), nested));
            return out;
        }
        m = ADDS.matcher(input);
        if (m.find()) {
            ArrayNode out = JSON.arrayNode();
            Matcher add = ADD.matcher(m.group(1));
            while (add.find()) out.add(javaElement(pyStrip(add.group(1)), nested));
            return out;
        }
        if (EMPTY_LIST.matcher(input).find()) return JSON.arrayNode();
        return text(input);
    }

    /** An ArrayList's element: a char or String loses its first and last character (the quotes), others are converted. */
    private static JsonNode javaElement(String element, String nested) {
        if ("char".equals(nested) || "String".equals(nested)) return text(slice(element));
        return nested != null ? java(element, nested, null) : javaValue(element);
    }

    private static JsonNode array(String input, String nested) {
        Matcher m = ARRAY.matcher(input);
        if (!m.find()) return text(input);
        ArrayNode out = JSON.arrayNode();
        for (String element : m.group(1).split(",", -1)) {
            String e = pyStrip(element);
            if (e.isEmpty()) continue;
            out.add(nested != null ? java(e, nested, null) : javaValue(e));
        }
        return out;
    }

    private static JsonNode hashMap(String input) {
        Matcher m = HASHMAP.matcher(input);
        if (m.find()) {
            ObjectNode out = JSON.objectNode();
            Matcher put = PUT.matcher(m.group(1));
            while (put.find()) out.set(put.group(1), javaValue(pyStrip(put.group(2))));
            return out;
        }
        if (EMPTY_MAP.matcher(input).find()) return JSON.objectNode();
        return text(input);
    }

    /** BFCL's {@code parse_java_value}: a literal read without knowing its type. */
    static JsonNode javaValue(String s) {
        if (s.equals("true")) return BooleanNode.TRUE;
        if (s.equals("false")) return BooleanNode.FALSE;
        if (s.startsWith("\"") && s.endsWith("\"")) return text(slice(s));
        if (JAVA_LONG.matcher(s).find()) return integer(s.substring(0, s.length() - 1));
        if (JAVA_FLOAT.matcher(s).find()) return decimal(FLOAT_SUFFIX.matcher(s).replaceFirst(""));
        return untyped(s);
    }

    /** BFCL's {@code js_type_converter}: the value the text means for the described JavaScript type. */
    static JsonNode javascript(String value, String type, String nested) {
        return switch (type) {
            case "String" -> (value.startsWith("\"") && value.endsWith("\"")) || (value.startsWith("'") && value.endsWith("'"))
                    ? text(slice(value)) : text(value);
            case "integer" -> INT.matcher(value).find() ? integer(value) : text(value);
            case "float" -> JS_FLOAT.matcher(value).find() ? decimal(value) : text(value);
            case "Bigint" -> JS_BIGINT.matcher(value).find() ? integer(value.substring(0, value.length() - 1)) : text(value);
            case "Boolean" -> value.equals("true") || value.equals("false") ? BooleanNode.valueOf(value.equals("true")) : text(value);
            case "dict" -> jsObject(value);
            case "array" -> jsArray(value, nested);
            case "any" -> text(value);
            default -> throw new IllegalArgumentException("BFCL: unsupported JavaScript type '" + type + "'");
        };
    }

    private static JsonNode jsArray(String input, String nested) {
        String code = pyStrip(input);
        try {
            Matcher twoD = JS_ARRAY_2D.matcher(code);
            if (twoD.lookingAt()) {
                ArrayNode out = JSON.arrayNode();
                Matcher inner = JS_INNER_ARRAY.matcher(twoD.group(0));
                for (int index = 0; inner.find(); index++) {
                    String elements = pyStrip(inner.group(1));
                    if (index == 0 && elements.startsWith("[")) elements = elements.substring(1);
                    ArrayNode row = out.addArray();
                    for (String e : elements.split(",", -1)) row.add(jsValue(pyStrip(e)));
                }
                return out;
            }
            Matcher m = JS_ARRAY.matcher(code);
            if (!m.lookingAt()) return text(code);
            String group = m.group(1) != null ? m.group(1) : m.group(2);
            List<String> elements = new ArrayList<>();
            if (group != null && !pyStrip(group).isEmpty()) elements.addAll(List.of(pyStrip(group).split(",", -1)));
            ArrayNode out = JSON.arrayNode();
            for (String e : elements) {
                String element = pyStrip(e);
                out.add(nested != null ? javascript(element, nested, null) : jsValue(element));
            }
            return out;
        } catch (RuntimeException unconvertible) {
            return text(code);   // BFCL's bare except: the text as it is
        }
    }

    private static JsonNode jsObject(String input) {
        String code = pyStrip(input);
        if (code.equals("{}")) return JSON.objectNode();
        Matcher m = JS_OBJECT.matcher(code);
        if (!m.lookingAt()) return text(code);
        try {
            ObjectNode out = JSON.objectNode();
            Matcher pair = JS_PAIR.matcher(m.group(1));
            while (pair.find()) {
                String key = pyStrip(pyStrip(pair.group(1)), "'\"");
                String value = pyStrip(pair.group(2));
                if (value.startsWith("[") && value.endsWith("]")) out.set(key, jsArray(value, null));
                else if (value.startsWith("{") && value.endsWith("}")) out.set(key, jsObject(value));
                else out.set(key, jsValue(pyStrip(value, "'\"")));
            }
            return out;
        } catch (RuntimeException unconvertible) {
            return text(code);
        }
    }

    /** BFCL's {@code parse_js_value}. */
    static JsonNode jsValue(String raw) {
        String s = pyStrip(raw);
        if (s.equals("true")) return BooleanNode.TRUE;
        if (s.equals("false")) return BooleanNode.FALSE;
        if ((s.startsWith("\"") && s.endsWith("\"")) || (s.startsWith("'") && s.endsWith("'"))) return text(slice(s));
        return untyped(s);
    }

    /** Python's {@code int(s)}, else {@code float(s)}, else the text. */
    private static JsonNode untyped(String s) {
        Optional<BigInteger> i = pyInt(s);
        if (i.isPresent()) return JSON.numberNode(i.get());
        Optional<Double> d = pyFloat(s);
        if (d.isPresent()) return JSON.numberNode(d.get());
        return text(s);
    }

    /** Python's {@code int(s)} of text BFCL's pattern accepted (where Python would still raise, the text is kept). */
    private static JsonNode integer(String s) {
        return pyInt(s).<JsonNode>map(JSON::numberNode).orElseGet(() -> text(s));
    }

    /** Python's {@code float(s)} of text BFCL's pattern accepted (where Python would still raise, the text is kept). */
    private static JsonNode decimal(String s) {
        return pyFloat(s).<JsonNode>map(JSON::numberNode).orElseGet(() -> text(s));
    }

    private static final Pattern PY_INT = p("[+-]?\\d+(_\\d+)*");
    private static final Pattern PY_FLOAT = p("[+-]?((\\d+(_\\d+)*)?\\.\\d+(_\\d+)*|\\d+(_\\d+)*\\.?)([eE][+-]?\\d+(_\\d+)*)?");
    private static final Pattern PY_SPECIAL = Pattern.compile("[+-]?(inf|infinity|nan)", Pattern.CASE_INSENSITIVE);

    /** Python's {@code int(s)} of text: white space around, a sign, digits with single underscores between them. */
    static Optional<BigInteger> pyInt(String s) {
        String t = pyStrip(s);
        if (!PY_INT.matcher(t).matches()) return Optional.empty();
        return Optional.of(new BigInteger(asciiDigits(t.replace("_", ""))));
    }

    /** Python's {@code float(s)} of text (decimal forms, exponents, underscores, inf and nan). */
    static Optional<Double> pyFloat(String s) {
        String t = pyStrip(s);
        if (PY_SPECIAL.matcher(t).matches()) {
            boolean negative = t.startsWith("-");
            String word = t.replaceFirst("^[+-]", "").toLowerCase(Locale.ROOT);
            return Optional.of(word.equals("nan") ? Double.NaN : negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        if (!PY_FLOAT.matcher(t).matches()) return Optional.empty();
        return Optional.of(new BigDecimal(asciiDigits(t.replace("_", ""))).doubleValue());
    }

    private static String asciiDigits(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> out.append(Character.isDigit(c) ? (char) ('0' + Character.digit(c, 10)) : (char) c));
        return out.toString();
    }

    /** Python's {@code s[1:-1]}. */
    private static String slice(String s) {
        return s.length() < 2 ? "" : s.substring(1, s.length() - 1);
    }

    /** Python's {@code str.strip()}: Unicode white space at both ends. */
    static String pyStrip(String s) {
        int start = 0, end = s.length();
        while (start < end && pySpace(s.charAt(start))) start++;
        while (end > start && pySpace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }

    /** Python's {@code str.strip(chars)}. */
    private static String pyStrip(String s, String chars) {
        int start = 0, end = s.length();
        while (start < end && chars.indexOf(s.charAt(start)) >= 0) start++;
        while (end > start && chars.indexOf(s.charAt(end - 1)) >= 0) end--;
        return s.substring(start, end);
    }

    private static boolean pySpace(char c) {
        return Character.isWhitespace(c) || Character.getType(c) == Character.SPACE_SEPARATOR || c == '\u0085';
    }

    private static JsonNode text(String s) {
        return TextNode.valueOf(s);
    }
}
