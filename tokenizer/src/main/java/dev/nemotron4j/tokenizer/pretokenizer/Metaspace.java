package dev.nemotron4j.tokenizer.pretokenizer;

import java.util.List;
import java.util.Objects;

/**
 * SentencePiece-style whitespace handling: spaces become the replacement character ({@code ▁}), a replacement is
 * prepended according to the prepend scheme, and (if {@code split}) the piece is cut before each replacement.
 */
public record Metaspace(int replacement, PrependScheme prependScheme, boolean split) implements PreTokenizer {

    /** When Metaspace prepends its replacement character to a piece. */
    public enum PrependScheme {
        /** Every piece that does not already start with it. */
        ALWAYS,
        /** Only a piece at the very start of the input. */
        FIRST,
        /** Never. */
        NEVER;

        /** Parses {@code "always"}, {@code "first"} or {@code "never"}. */
        public static PrependScheme fromJson(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "always" -> ALWAYS;
                case "first" -> FIRST;
                case "never" -> NEVER;
                default -> throw new IllegalArgumentException("unknown prepend_scheme \"" + name + "\"");
            };
        }
    }

    public Metaspace {
        Objects.requireNonNull(prependScheme, "prependScheme");
    }

    @Override
    public void split(TextPiece piece, List<TextPiece> out) {
        String rep = Character.toString(replacement);
        String text = piece.text().replace(" ", rep);
        boolean prepend = switch (prependScheme) {
            case ALWAYS -> true;
            case FIRST -> piece.atInputStart();
            case NEVER -> false;
        };
        if (prepend && !text.startsWith(rep)) {
            text = rep + text;
        }
        TextPiece rewritten = new TextPiece(text, piece.atInputStart());
        if (split) {
            SplitDelimiterBehavior.MERGED_WITH_NEXT.split(rewritten,
                    new SplitPattern.CharClass(cp -> cp == replacement), false, out);
        } else if (!text.isEmpty()) {
            out.add(rewritten);
        }
    }
}
