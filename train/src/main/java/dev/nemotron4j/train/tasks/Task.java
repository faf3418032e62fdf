package dev.nemotron4j.train.tasks;

import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.chat.output.NemotronOutputParser;
import dev.nemotron4j.chat.output.OutputParserOptions;
import dev.nemotron4j.chat.output.ParsedOutput;
import dev.nemotron4j.chat.template.NemotronChatFormat;

import java.util.ArrayList;
import java.util.List;

/**
 * One sampled problem of an environment: the opening messages (the user's question), the offered tools, and the
 * assistant turns a perfect model writes ({@link Step}s: one for arithmetic and instruction following, two for a
 * tool round trip: the call, then the answer after the tool response). The same task gives the SFT conversation
 * ({@link #conversation}), the RL/eval prompt of each turn ({@link #prompt}) and the verdict on a generation
 * ({@link #verify}).
 *
 * @param environment  the environment's name
 * @param seed         the seed it was sampled from
 * @param opening      the messages before the first assistant turn (a user question)
 * @param tools        the tools offered (empty for none)
 * @param steps        the assistant turns, in order
 * @param toolExecutor answers the model's own tool calls (for live round trips)
 */
public record Task(String environment, long seed, List<ChatMessage> opening, List<ToolDefinition> tools,
                   List<Step> steps, ToolExecutor toolExecutor) {

    private static final String END_OF_TURN = "<|im_end|>\n";

    public Task {
        opening = List.copyOf(opening);
        tools = List.copyOf(tools);
        steps = List.copyOf(steps);
        if (opening.isEmpty() || steps.isEmpty()) throw new IllegalArgumentException("a task needs a question and a step");
        if (!steps.getLast().replies().isEmpty()) throw new IllegalArgumentException("the last step has no replies");
        if (toolExecutor == null) toolExecutor = ToolExecutor.NONE;
    }

    /** The text of the (last) user message that opens the task. */
    public String question() {
        return opening.getLast().content();
    }

    /** The index of the last assistant turn. */
    public int lastStep() {
        return steps.size() - 1;
    }

    /** The messages before assistant turn {@code step}: the opening, then each earlier reference turn and its replies. */
    public List<ChatMessage> context(int step, boolean reasoning) {
        checkStep(step);
        List<ChatMessage> messages = new ArrayList<>(opening);
        for (int i = 0; i < step; i++) {
            messages.add(steps.get(i).reference(reasoning));
            messages.addAll(steps.get(i).replies());
        }
        return messages;
    }

    /** The request that asks the model for turn {@code step} (generation prompt on; reasoning on or off). */
    public ChatRequest prompt(int step, boolean reasoning) {
        return new ChatRequest(context(step, reasoning), tools, options(reasoning, true));
    }

    /** The whole reference conversation through the last turn (no generation prompt): one SFT example. */
    public ChatRequest conversation(boolean reasoning) {
        List<ChatMessage> messages = new ArrayList<>(context(lastStep(), reasoning));
        messages.add(steps.getLast().reference(reasoning));
        return new ChatRequest(messages, tools, options(reasoning, false));
    }

    /**
     * The text a perfect model generates for turn {@code step} after the prompt of {@link #prompt}: the reference turn
     * as the chat template renders it, without the end-of-turn marker (which the engine stops at and does not
     * return).
     */
    public String referenceOutput(int step, boolean reasoning) {
        List<ChatMessage> messages = new ArrayList<>(context(step, reasoning));
        messages.add(steps.get(step).reference(reasoning));
        String prompt = NemotronChatFormat.render(prompt(step, reasoning));
        String full = NemotronChatFormat.render(messages, tools, options(reasoning, false));
        if (!full.startsWith(prompt) || !full.endsWith(END_OF_TURN)) {
            throw new IllegalStateException(environment + " seed " + seed + " step " + step
                    + ": the rendered reference turn does not continue its prompt");
        }
        return full.substring(prompt.length(), full.length() - END_OF_TURN.length());
    }

    /** Splits a generation for turn {@code step} into reasoning, answer and tool calls, as the server does. */
    public ParsedOutput parse(String rawOutput, boolean reasoning) {
        int[] next = {0};
        OutputParserOptions options = new OutputParserOptions(reasoning, !tools.isEmpty(), tools,
                () -> "call_" + next[0]++);
        return NemotronOutputParser.parse(rawOutput, options);
    }

    /**
     * Judges the raw text the model generated for turn {@code step} (everything after the prompt of
     * {@link #prompt}, without the end-of-turn token).
     */
    public Verdict verify(int step, String rawOutput, boolean reasoning) {
        checkStep(step);
        return steps.get(step).verifier().verify(parse(rawOutput, reasoning));
    }

    /** Judges a generation for the first turn (the only one, except for tool round trips). */
    public Verdict verify(String rawOutput, boolean reasoning) {
        return verify(0, rawOutput, reasoning);
    }

    private static ChatRequestOptions options(boolean reasoning, boolean generationPrompt) {
        return new ChatRequestOptions(reasoning, true, generationPrompt);
    }

    private void checkStep(int step) {
        if (step < 0 || step >= steps.size()) {
            throw new IllegalArgumentException(environment + " task has steps 0.." + lastStep() + ", asked for " + step);
        }
    }
}
