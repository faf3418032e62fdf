package dev.nemotron4j.eval.datasets;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 CSV with a header row: quoted fields, doubled quotes, newlines inside quotes; every value a string. */
final class Csv {
    private Csv() {}

    static List<ObjectNode> parse(String text) {
        List<List<String>> records = records(text);
        if (records.isEmpty()) return List.of();
        List<String> header = records.getFirst();
        List<ObjectNode> rows = new ArrayList<>();
        for (int r = 1; r < records.size(); r++) {
            List<String> values = records.get(r);
            if (values.size() == 1 && values.getFirst().isEmpty()) continue;   // blank line
            if (values.size() != header.size()) {
                throw new IllegalArgumentException("CSV record " + r + " has " + values.size() + " fields, the header " + header.size());
            }
            ObjectNode row = JsonNodeFactory.instance.objectNode();
            for (int i = 0; i < header.size(); i++) row.put(header.get(i), values.get(i));
            rows.add(row);
        }
        return rows;
    }

    /** The records as lists of fields, no header assumed. */
    static List<List<String>> records(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
                record.add(field.toString());
                field.setLength(0);
                out.add(record);
                record = new ArrayList<>();
            } else {
                field.append(c);
            }
        }
        if (quoted) throw new IllegalArgumentException("CSV ends inside a quoted field");
        if (!field.isEmpty() || !record.isEmpty()) {
            record.add(field.toString());
            out.add(record);
        }
        return out;
    }
}
