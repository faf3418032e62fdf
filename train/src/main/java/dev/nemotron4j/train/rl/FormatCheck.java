package dev.nemotron4j.train.rl;

/**
 * The shape part of the reward: is a generated turn well-formed Nemotron output, whatever its content?
 * <ul>
 *   <li>reasoning on (the prompt ends in {@code <think>\n}): exactly one {@code </think>}, no further {@code <think>},
 *       and something after it;</li>
 *   <li>reasoning off (the prompt ends in {@code <think></think>}): no think tag at all, and a non-blank answer;</li>
 *   <li>tool calls, where present: each {@code <tool_call>} closed by {@code </tool_call>}, not nested, holding one
 *       {@code <function=NAME>…</function>} whose {@code <parameter=…>} tags are all closed.</li>
 * </ul>
 */
public final class FormatCheck {
    private static final String THINK_OPEN = "<think>", THINK_CLOSE = "</think>";
    private static final String CALL_OPEN = "<tool_call>", CALL_CLOSE = "</tool_call>";

    private FormatCheck() {}

    /** Whether {@code raw} (the generated turn without the end-of-turn token) is well formed. */
    public static boolean wellFormed(String raw, boolean reasoning) {
        String answer;
        if (reasoning) {
            int close = raw.indexOf(THINK_CLOSE);
            if (close < 0 || raw.indexOf(THINK_OPEN) >= 0 || raw.indexOf(THINK_CLOSE, close + 1) >= 0) return false;
            answer = raw.substring(close + THINK_CLOSE.length());
        } else {
            if (raw.contains(THINK_OPEN) || raw.contains(THINK_CLOSE)) return false;
            answer = raw;
        }
        if (answer.isBlank()) return false;
        return toolCallsWellFormed(answer);
    }

    static boolean toolCallsWellFormed(String text) {
        int at = 0;
        while (true) {
            int open = text.indexOf(CALL_OPEN, at);
            int strayClose = text.indexOf(CALL_CLOSE, at);
            if (open < 0) return strayClose < 0;
            if (strayClose >= 0 && strayClose < open) return false;
            int close = text.indexOf(CALL_CLOSE, open);
            if (close < 0) return false;
            String body = text.substring(open + CALL_OPEN.length(), close).strip();
            if (body.contains(CALL_OPEN) || !functionWellFormed(body)) return false;
            at = close + CALL_CLOSE.length();
        }
    }

    private static boolean functionWellFormed(String body) {
        if (!body.startsWith("<function=") || !body.endsWith("</function>")) return false;
        int nameEnd = body.indexOf('>');
        if (nameEnd <= "<function=".length()) return false;
        String inner = body.substring(nameEnd + 1, body.length() - "</function>".length());
        if (inner.contains("<function=") || inner.contains("</function>")) return false;
        int opens = count(inner, "<parameter="), closes = count(inner, "</parameter>");
        return opens == closes;
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) n++;
        return n;
    }
}
