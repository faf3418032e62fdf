package dev.nemotron4j.train.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The id layout of a tokenizer trained here, the same as the project's tiny fixtures (built like the real Nemotron
 * tokenizer, PROTOCOL.md §1): ids 0–31 are reserved control tokens — {@code <unk>}, {@code <s>} (BOS),
 * {@code </s>}, {@code <SPECIAL_k>} fillers and, at Nemotron's ids 10–17, the chat and reasoning tags — then the 256
 * byte tokens (byte b is id 32 + b), then one id per learned merge.
 */
public final class ReservedTokens {

    /** Number of reserved control ids. */
    public static final int COUNT = 32;
    /** Id of the first byte token. */
    public static final int FIRST_BYTE_ID = COUNT;
    /** Id of the first merged token. */
    public static final int FIRST_MERGE_ID = FIRST_BYTE_ID + 256;

    public static final String UNK = "<unk>";
    public static final String BOS = "<s>";
    public static final String EOS = "</s>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";

    /** Nemotron's chat and reasoning tags, in id order from 10. */
    public static final List<String> CHAT_TAGS = List.of(IM_START, IM_END, "<think>", "</think>", "<tool_call>",
            "</tool_call>", "<tool_response>", "</tool_response>");

    private static final int FIRST_CHAT_TAG_ID = 10;

    private ReservedTokens() {
    }

    /** The contents of ids 0 … {@link #COUNT}−1, in id order. */
    public static List<String> contents() {
        List<String> out = new ArrayList<>(COUNT);
        for (int id = 0; id < COUNT; id++) out.add(content(id));
        return out;
    }

    /** The content of reserved id {@code id}. */
    public static String content(int id) {
        if (id < 0 || id >= COUNT) throw new IllegalArgumentException("not a reserved id: " + id);
        return switch (id) {
            case 0 -> UNK;
            case 1 -> BOS;
            case 2 -> EOS;
            default -> id >= FIRST_CHAT_TAG_ID && id < FIRST_CHAT_TAG_ID + CHAT_TAGS.size()
                    ? CHAT_TAGS.get(id - FIRST_CHAT_TAG_ID) : "<SPECIAL_" + id + ">";
        };
    }
}
