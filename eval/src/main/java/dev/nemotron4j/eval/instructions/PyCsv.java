package dev.nemotron4j.eval.instructions;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code csv.reader} with the default (excel) dialect over a string: {@code "} quotes fields, {@code ""} inside
 * quotes is a quote, a quote inside an unquoted field is kept literally, text after a closing quote is appended, a
 * quoted field may span lines, and an empty line is a row with no fields. IFBench's CSV checks count these rows.
 */
final class PyCsv {
    private PyCsv() {}

    static List<List<String>> read(String text, char delimiter) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean inQuotes = false, quoted = false, fieldStarted = false;
        int i = 0, n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (inQuotes) {
                if (c == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i += 2;
                        continue;
                    }
                    inQuotes = false;
                } else {
                    field.append(c);
                }
                i++;
                continue;
            }
            if (c == delimiter) {
                row.add(field.toString());
                field.setLength(0);
                quoted = false;
                fieldStarted = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') i++;
                if (fieldStarted || field.length() > 0 || quoted) row.add(field.toString());
                rows.add(row);
                row = new ArrayList<>();
                field.setLength(0);
                quoted = false;
                fieldStarted = false;
            } else if (c == '"' && field.length() == 0 && !quoted) {
                inQuotes = true;
                quoted = true;
                fieldStarted = true;
            } else {
                field.append(c);
                fieldStarted = true;
            }
            i++;
        }
        if (fieldStarted || field.length() > 0 || quoted || inQuotes) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
