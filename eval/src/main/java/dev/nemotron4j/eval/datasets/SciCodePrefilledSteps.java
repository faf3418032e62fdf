package dev.nemotron4j.eval.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.json.CanonicalJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SciCode's problems ({@code problems_test.jsonl}) with the code of the steps SciCode fills in itself instead of asking
 * the model (13.6, 62.1 and 76.3: their test split has neither tests nor code for them; SciCode's generator reads the
 * code from {@code eval/data/STEP.txt} in its repository). Each such step's {@code ground_truth_code} becomes what
 * SciCode's generator takes from that file: the function name its {@code extract_function_name} reads from the step's
 * header (the first {@code def NAME(}, else the first {@code class NAME(}; so for a header {@code class Maxwell:} with
 * a {@code def __init__(} line, {@code __init__}), and of the file, the definition of that name that
 * {@code get_function_from_code}'s breadth-first walk meets first (the least indented one, first in the file), as a
 * top-level definition. SciCode prints it through Python's {@code ast.unparse}; here it is the same definition's source
 * lines, dedented, comments kept.
 */
final class SciCodePrefilledSteps {
    private SciCodePrefilledSteps() {}

    private static final Pattern DEF_NAME = Pattern.compile("\\bdef\\s+(\\w+)\\s*\\(");
    private static final Pattern CLASS_NAME = Pattern.compile("\\bclass\\s+(\\w+)\\s*\\(");

    /**
     * @param problems  SciCode's problems, one JSON object a line
     * @param stepFiles step number ({@code 13.6}) → the file with its code
     */
    static List<ObjectNode> rows(Path problems, Map<String, Path> stepFiles) {
        List<ObjectNode> rows = new ArrayList<>();
        Set<String> unused = new LinkedHashSet<>(stepFiles.keySet());
        int line = 0;
        for (String l : read(problems).split("\n")) {
            line++;
            if (l.isBlank()) continue;
            if (!(CanonicalJson.parse(l) instanceof ObjectNode row)) throw new IllegalArgumentException("SciCode problems line " + line + " is not a JSON object");
            JsonNode steps = row.path("sub_steps");
            for (JsonNode step : steps) {
                String number = step.path("step_number").asText("");
                Path file = stepFiles.get(number);
                if (file == null) continue;
                String header = step.path("function_header").asText("");
                ((ObjectNode) step).put("ground_truth_code", definition(read(file), functionName(header, number), number));
                unused.remove(number);
            }
            rows.add(row);
        }
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("SciCode's problems have no step " + String.join(", ", unused)
                    + ", whose code was fetched to fill it in: the problems file is not the one SciCode's prefilled steps belong to");
        }
        return rows;
    }

    /** The name SciCode's {@code extract_function_name} reads from a step's header. */
    static String functionName(String header, String step) {
        Matcher m = DEF_NAME.matcher(header);
        if (m.find()) return m.group(1);
        m = CLASS_NAME.matcher(header);
        if (m.find()) return m.group(1);
        throw new IllegalArgumentException("SciCode step " + step + ": no function or class name in its header");
    }

    /** The least indented definition of {@code name} in {@code code} (first in the file among equals), dedented. */
    static String definition(String code, String name, String step) {
        List<String> lines = code.replace("\r\n", "\n").lines().toList();
        Pattern header = Pattern.compile("^([ \\t]*)(?:async[ \\t]+)?(?:def|class)[ \\t]+" + Pattern.quote(name) + "\\b");
        int start = -1, indent = Integer.MAX_VALUE;
        ScanState state = new ScanState();
        for (int i = 0; i < lines.size(); i++) {
            boolean continued = state.open();   // a line inside a string or brackets starts no statement
            state.scan(lines.get(i));
            if (continued) continue;
            Matcher m = header.matcher(lines.get(i));
            if (m.find() && m.group(1).length() < indent) {
                start = i;
                indent = m.group(1).length();
            }
        }
        if (start < 0) throw new IllegalArgumentException("SciCode step " + step + ": its code file defines no '" + name + "'");
        int end = start + 1;
        int last = start;   // the last line that is code of the definition (not blank, not a comment)
        state = new ScanState();
        state.scan(lines.get(start));
        for (; end < lines.size(); end++) {
            String l = lines.get(end);
            boolean continued = state.open();
            state.scan(l);
            if (continued) {
                last = end;
                continue;
            }
            String stripped = l.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) continue;
            if (leading(l) <= indent) break;
            last = end;
        }
        StringBuilder out = new StringBuilder();
        for (int i = start; i <= last; i++) {
            String l = lines.get(i);
            out.append(l, Math.min(indent, leading(l)), l.length());
            if (i < last) out.append('\n');
        }
        return out.toString();
    }

    private static int leading(String line) {
        int n = 0;
        while (n < line.length() && (line.charAt(n) == ' ' || line.charAt(n) == '\t')) n++;
        return n;
    }

    /** Whether the code read so far ends inside a triple-quoted string or open brackets (the next line continues it). */
    private static final class ScanState {
        String quote;   // the open triple quote, or null
        int brackets;

        boolean open() {
            return quote != null || brackets > 0;
        }

        void scan(String line) {
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quote != null) {
                    if (c == '\\') i++;
                    else if (line.startsWith(quote, i)) {
                        i += 2;
                        quote = null;
                    }
                    continue;
                }
                if (c == '#') return;
                if (line.startsWith("\"\"\"", i) || line.startsWith("'''", i)) {
                    quote = line.substring(i, i + 3);
                    i += 2;
                } else if (c == '"' || c == '\'') {
                    // a one-line string: skip to its end
                    for (i++; i < line.length() && line.charAt(i) != c; i++) if (line.charAt(i) == '\\') i++;
                } else if (c == '(' || c == '[' || c == '{') {
                    brackets++;
                } else if ((c == ')' || c == ']' || c == '}') && brackets > 0) {
                    brackets--;
                }
            }
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
