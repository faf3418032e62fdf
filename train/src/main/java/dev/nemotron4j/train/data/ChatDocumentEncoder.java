package dev.nemotron4j.train.data;

import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.chat.template.NemotronChatFormat;
import dev.nemotron4j.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Renders a chat {@link Example.Chat} with the Nemotron chat template and tokenizes it as chat prompts are tokenized
 * at inference (no special tokens added), marking as targets exactly the tokens the model produces in each trained
 * assistant turn: its reasoning, answer, tool calls and the closing {@code <|im_end|>} — not the turn header
 * ({@code <|im_start|>assistant\n} plus the {@code <think>\n} or {@code <think></think>} the generation prompt already
 * supplies), and not the {@code \n} the template writes after {@code <|im_end|>}.
 *
 * <p><b>Method</b> (text positions are never mapped to tokens; every boundary is found by rendering and tokenizing
 * prefixes and comparing token arrays). For a trained assistant message i:
 * <ol>
 * <li>F = tokens of the conversation rendered up to and including message i (no generation prompt); the template
 *     ends it with {@code <|im_end|>\n}. E = tokens of that text without the final {@code \n}; E must be a prefix of
 *     F, and the turn ends at |E|.</li>
 * <li>The header is the longest of these token arrays that is a prefix of E: the messages before i rendered with the
 *     generation prompt for reasoning on ({@code …assistant\n<think>\n}), for reasoning off
 *     ({@code …assistant\n<think></think>}), or without one plus the bare {@code <|im_start|>assistant\n}. The turn's
 *     targets are E[|header| .. |E|). So a reasoning turn learns everything after {@code <think>\n}, a reasoning-off
 *     turn everything after {@code <think></think>}, exactly what the model generates after the prompt the server
 *     renders; where a token merges across the header boundary (e.g. reasoning that begins with blank lines) the
 *     shorter header that still matches is used, so the mask never splits a token.</li>
 * <li>Turns are visited from the last to the first. A turn whose E is a prefix of an already built document is
 *     marked in that document; otherwise it starts a new document E. With {@code truncate_history_thinking} (the
 *     template's default) an assistant turn followed by a later user message is rendered without its reasoning in
 *     the rest of the conversation, so it does not match the later document: it gets its own document, in which it
 *     is the last turn and keeps its reasoning — each turn is learned as the model would produce it, in the context
 *     the server would give it. Without truncation (or for tool-call chains after the last user message) one
 *     document covers every turn.</li>
 * </ol>
 * Documents end with their last trained {@code <|im_end|>}; they are returned in conversation order.
 */
public final class ChatDocumentEncoder {

    private static final String TURN_END = "<|im_end|>\n";
    private static final String ASSISTANT_HEADER = "<|im_start|>assistant\n";

    private final Tokenizer tokenizer;

    public ChatDocumentEncoder(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * One rendered assistant turn: tokens up to its end, the target range, and within it a range that is context
     * only (a forced reasoning ending; empty when {@code forcedStart == forcedEnd}).
     */
    private record Turn(int[] tokens, int start, int end, int forcedStart, int forcedEnd) {}

    private static final class Document {
        final int[] tokens;
        final boolean[] targets;

        Document(int[] tokens) {
            this.tokens = tokens;
            this.targets = new boolean[tokens.length];
        }
    }

    /** The documents of one example (at least one). */
    public List<TokenDocument> encode(Example.Chat example) {
        List<ChatMessage> messages = example.conversation().messages();
        List<ToolDefinition> tools = example.conversation().tools();
        ChatRequestOptions options = example.conversation().options().withAddGenerationPrompt(false);
        List<Document> documents = new ArrayList<>();
        int lastAssistant = -1;
        for (int i = messages.size() - 1; i >= 0 && lastAssistant < 0; i--) if (messages.get(i).is(ChatMessage.ASSISTANT)) lastAssistant = i;
        for (int i = messages.size() - 1; i >= example.firstTrainedMessage(); i--) {
            if (!messages.get(i).is(ChatMessage.ASSISTANT)) continue;
            Turn turn = turn(messages, tools, options, i, i == lastAssistant ? example.forcedEnding() : null);
            Document home = null;
            for (Document d : documents) {
                if (startsWith(d.tokens, turn.tokens, turn.end)) {
                    home = d;
                    break;
                }
            }
            if (home == null) {
                home = new Document(Arrays.copyOf(turn.tokens, turn.end));
                documents.add(home);
            }
            Arrays.fill(home.targets, turn.start, turn.end, true);
            Arrays.fill(home.targets, turn.forcedStart, turn.forcedEnd, false);
        }
        if (documents.isEmpty()) {
            throw new IllegalArgumentException("chat example has no assistant message to train on (messages "
                    + example.firstTrainedMessage() + ".." + (messages.size() - 1) + ")");
        }
        List<TokenDocument> out = new ArrayList<>(documents.size());
        for (Document d : documents.reversed()) out.add(new TokenDocument(d.tokens, d.targets));
        return out;
    }

    private Turn turn(List<ChatMessage> messages, List<ToolDefinition> tools, ChatRequestOptions options, int index, String forcedEnding) {
        if (index == 0) {
            throw new IllegalArgumentException("message 0 is an assistant message: a trained turn needs a message before it");
        }
        List<ChatMessage> before = messages.subList(0, index);
        String full = NemotronChatFormat.render(messages.subList(0, index + 1), tools, options);
        if (!full.endsWith(TURN_END)) {
            throw new IllegalStateException("assistant message " + index + " does not render to a turn ending with <|im_end|>");
        }
        int[] fullTokens = encode(full);
        int[] endTokens = encode(full.substring(0, full.length() - 1));
        if (!startsWith(fullTokens, endTokens, endTokens.length)) {
            throw new IllegalStateException("assistant message " + index + ": the tokens up to <|im_end|> are not a prefix"
                    + " of the turn's tokens");
        }
        String[] headers = {
                NemotronChatFormat.render(before, tools, options.withAddGenerationPrompt(true).withEnableThinking(true)),
                NemotronChatFormat.render(before, tools, options.withAddGenerationPrompt(true).withEnableThinking(false)),
                NemotronChatFormat.render(before, tools, options) + ASSISTANT_HEADER};
        int start = -1;
        for (String header : headers) {
            int[] headerTokens = encode(header);
            if (headerTokens.length < endTokens.length && startsWith(endTokens, headerTokens, headerTokens.length)) {
                start = Math.max(start, headerTokens.length);
            }
        }
        if (start < 0) {
            throw new IllegalStateException("assistant message " + index + ": its rendered turn does not start with the"
                    + " template's assistant header after the earlier messages");
        }
        int forcedStart = start, forcedEnd = start;
        if (forcedEnding != null) {
            String text = full.substring(0, full.length() - 1);
            int at = text.lastIndexOf(forcedEnding);
            if (at < 0) {
                throw new IllegalStateException("assistant message " + index + " does not contain its forced reasoning ending "
                        + forcedEnding.replace("\n", "\\n"));
            }
            // token boundaries by prefix comparison: a token merging across the cut belongs to the forced part
            forcedStart = Math.max(start, commonPrefix(endTokens, encode(text.substring(0, at))));
            int[] through = encode(text.substring(0, at + forcedEnding.length()));
            if (!startsWith(endTokens, through, through.length)) {
                throw new IllegalStateException("assistant message " + index + ": the forced reasoning ending does not end on a token boundary");
            }
            forcedEnd = through.length;
        }
        return new Turn(endTokens, start, endTokens.length, forcedStart, forcedEnd);
    }

    private static int commonPrefix(int[] a, int[] b) {
        int n = 0;
        while (n < a.length && n < b.length && a[n] == b[n]) n++;
        return n;
    }

    private int[] encode(String text) {
        return tokenizer.encode(text, false);
    }

    /** Whether {@code array} starts with the first {@code length} entries of {@code prefix}. */
    private static boolean startsWith(int[] array, int[] prefix, int length) {
        return array.length >= length && Arrays.equals(array, 0, length, prefix, 0, length);
    }
}
