package dev.nemotron4j.tokenizer.model;

import java.util.Objects;

/** One BPE merge: the adjacent tokens {@code left} and {@code right} become one token. */
public record MergeRule(String left, String right) {

    public MergeRule {
        Objects.requireNonNull(left, "left");
        Objects.requireNonNull(right, "right");
    }

    /** Parses the {@code "left right"} spelling of older tokenizer.json files and of GGUF metadata. */
    public static MergeRule parse(String line) {
        int space = line.indexOf(' ');
        if (space < 0 || line.indexOf(' ', space + 1) >= 0) {
            throw new IllegalArgumentException("merge \"" + line + "\" is not two tokens separated by one space");
        }
        return new MergeRule(line.substring(0, space), line.substring(space + 1));
    }
}
