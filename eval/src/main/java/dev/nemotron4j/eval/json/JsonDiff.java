package dev.nemotron4j.eval.json;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/** Field-level differences between two JSON trees, as readable "path: was X, now Y" lines. */
public final class JsonDiff {
    private JsonDiff() {}

    public static List<String> diff(JsonNode expected, JsonNode actual) {
        List<String> out = new ArrayList<>();
        walk("", expected, actual, out);
        return out;
    }

    private static void walk(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a == null || a.isMissingNode()) a = null;
        if (b == null || b.isMissingNode()) b = null;
        if (a == null && b == null) return;
        if (a != null && b != null && a.isObject() && b.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) names.add(it.next());
            for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) names.add(it.next());
            for (String name : names) walk(path.isEmpty() ? name : path + "." + name, a.get(name), b.get(name), out);
            return;
        }
        if (a != null && b != null && a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) walk(path + "[" + i + "]", a.get(i), b.get(i), out);
            return;
        }
        // Compare as serialised (what the fingerprint hashes): an int 7 and a long 7 are the same input.
        if (a == null || b == null || !a.toString().equals(b.toString())) {
            out.add(path + ": was " + show(a) + ", now " + show(b));
        }
    }

    private static String show(JsonNode n) {
        if (n == null) return "(absent)";
        String s = n.toString();
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
