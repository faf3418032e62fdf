package dev.nemotron4j.eval.interceptor;

import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.ReasoningSplit;

/**
 * Separates thinking from the answer without touching the raw text. Thinking may arrive in a separate
 * field ({@code reasoning_content}) or inline as {@code <think>...</think>}; an unterminated think block
 * (generation cut off) leaves no answer. When the answer is empty but reasoning is not — servers that
 * put everything in {@code reasoning_content} — and {@code fallbackToReasoning} is on, the reasoning
 * becomes the answer text (source {@code reasoning_fallback}), so extractors still find the final answer.
 */
public record ReasoningInterceptor(boolean fallbackToReasoning, String thinkStart, String thinkEnd) implements Interceptor {

    @Override
    public String name() { return "reasoning"; }

    @Override
    public int version() { return 1; }

    @Override
    public GenerationResult intercept(Call call, Next next) {
        GenerationResult result = next.proceed(call);
        return result.withSplit(split(result));
    }

    public ReasoningSplit split(GenerationResult result) {
        String content = result.content();
        String reasoning = result.reasoningContent();
        String answer;
        String source;
        int end = content.lastIndexOf(thinkEnd);
        int start = content.indexOf(thinkStart);
        if (end >= 0) {
            String inline = content.substring(0, end);
            int open = inline.indexOf(thinkStart);
            inline = open >= 0 ? inline.substring(open + thinkStart.length()) : inline;
            reasoning = join(reasoning, inline.strip());
            answer = content.substring(end + thinkEnd.length()).strip();
            source = "after_think";
        } else if (start >= 0) {
            reasoning = join(reasoning, content.substring(start + thinkStart.length()).strip());
            answer = content.substring(0, start).strip();
            source = answer.isEmpty() ? "none" : "content";
        } else {
            answer = content.strip();
            source = answer.isEmpty() ? "none" : "content";
        }
        if (answer.isEmpty() && fallbackToReasoning && !reasoning.isBlank()) {
            return new ReasoningSplit(reasoning.strip(), reasoning, "reasoning_fallback");
        }
        return new ReasoningSplit(answer, reasoning, source);
    }

    private static String join(String a, String b) {
        if (a.isBlank()) return b;
        if (b.isBlank()) return a;
        return a + "\n" + b;
    }
}
