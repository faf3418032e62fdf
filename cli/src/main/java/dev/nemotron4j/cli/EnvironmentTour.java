package dev.nemotron4j.cli;

import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.chat.ToolCall;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.chat.budget.ThinkingBudget;
import dev.nemotron4j.runtime.GenerationSettings;
import dev.nemotron4j.runtime.Sampling;
import dev.nemotron4j.runtime.TextResult;
import dev.nemotron4j.runtime.TextService;
import dev.nemotron4j.train.tasks.DataSplit;
import dev.nemotron4j.train.tasks.Environments;
import dev.nemotron4j.train.tasks.Step;
import dev.nemotron4j.train.tasks.Task;
import dev.nemotron4j.train.tasks.Verdict;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;

/**
 * {@code demo}'s tour of a model trained on the built-in environments (docs/DEFAULT-MODEL.md): held-out questions
 * ({@link DataSplit#EVAL}) answered greedily through the runtime's {@link TextService} — the path the server takes —
 * with reasoning on, off and cut by a reasoning budget, a tool call executed by the environment's tools and answered,
 * and several questions decoded together by the batch scheduler. Every answer is judged in front of the user by the
 * environment's exact verifier, with a running accuracy.
 */
final class EnvironmentTour {

    /** The sections, in order (the test checks that each is printed). */
    static final List<String> SECTIONS = List.of("Reasoning on", "Reasoning off", "Reasoning budget", "Tool call round trip",
            "Continuous batching");

    /** A budget must leave room to cut: the arithmetic question is one whose worked reasoning is at least this long. */
    private static final int MIN_REASONING_TOKENS = 48;

    private final TextService service;
    private final PrintStream out;
    private final boolean ansi;
    private final long firstIndex;
    private final int batchQuestions;
    private final int maxTokens;
    private final Integer budget;
    private int checked;
    private int correct;

    /**
     * @param firstIndex     the first held-out seed index used ({@code EVAL.seed(firstIndex)})
     * @param batchQuestions questions decoded together in the batching section
     * @param maxTokens      the token limit of each answer
     * @param budget         the reasoning budget of the budget section, or null for a third of the question's worked
     *                       reasoning
     */
    EnvironmentTour(TextService service, PrintStream out, boolean ansi, long firstIndex, int batchQuestions, int maxTokens,
                    Integer budget) {
        this.service = service;
        this.out = out;
        this.ansi = ansi;
        this.firstIndex = firstIndex;
        this.batchQuestions = batchQuestions;
        this.maxTokens = maxTokens;
        this.budget = budget;
    }

    void run() throws InterruptedException {
        out.println("Held-out questions (evaluation seeds, never trained on), answered greedily (temperature 0) and checked");
        out.println("by each environment's exact verifier (docs/DEFAULT-MODEL.md).");

        Task arithmetic = arithmeticQuestion();
        section(0, "arithmetic, seed " + arithmetic.seed());
        out.println("  user: " + arithmetic.question());
        judge(arithmetic, 0, answer(arithmetic.prompt(0, true), settings(), "  "), true, "  ");

        section(1, "the same question, " + "<think></think> (enable_thinking=false)");
        out.println("  user: " + arithmetic.question());
        judge(arithmetic, 0, answer(arithmetic.prompt(0, false), settings(), "  "), false, "  ");

        int referenceTokens = reasoningTokens(arithmetic);
        int cut = budget != null ? budget : Math.max(1, referenceTokens / 3);
        section(2, "the same question, at most " + cut + " reasoning tokens");
        out.printf(Locale.ROOT, "  The worked reasoning of this question is %d tokens. After %d the runtime's budget controller (the server's%n"
                + "  thinking_budget) waits for a line break, then forces </think>; the model must answer from there.%n", referenceTokens, cut);
        out.println("  user: " + arithmetic.question());
        TextResult cutShort = answer(arithmetic.prompt(0, true), settings().withBudget(ThinkingBudget.of(cut)), "  ");
        out.printf(Locale.ROOT, cutShort.rawText().contains("</think>") ? "  (%d reasoning tokens, then </think>)%n"
                : "  (%d reasoning tokens: the token limit came first)%n", cutShort.reasoningTokens());
        judge(arithmetic, 0, cutShort, true, "  ");

        toolRoundTrip(Environments.task(Environments.byName("tool_use"), DataSplit.EVAL, firstIndex));

        batching();

        out.printf(Locale.ROOT, "%nAccuracy over this demo: %d/%d (%.0f%%)%n", correct, checked, 100.0 * correct / Math.max(1, checked));
    }

    /** The first held-out arithmetic question from {@code firstIndex} on whose worked reasoning a budget can cut. */
    private Task arithmeticQuestion() {
        var environment = Environments.byName("arithmetic");
        Task first = Environments.task(environment, DataSplit.EVAL, firstIndex);
        for (long i = firstIndex; i < firstIndex + 200 && i < DataSplit.EVAL.size(); i++) {
            Task task = Environments.task(environment, DataSplit.EVAL, i);
            if (reasoningTokens(task) >= MIN_REASONING_TOKENS) return task;
        }
        return first;
    }

    private int reasoningTokens(Task task) {
        return service.tokenize(task.steps().getFirst().withReasoning().reasoningContent(), false).length;
    }

    private void toolRoundTrip(Task task) throws InterruptedException {
        section(3, "tool use, seed " + task.seed());
        out.println("  tools: " + String.join(", ", task.tools().stream().map(EnvironmentTour::signature).toList()));
        out.println("  user: " + task.question());
        TextResult first = answer(task.prompt(0, true), settings(), "  ");
        judge(task, 0, first, true, "  ");
        List<ToolCall> calls = first.parsed().toolCalls();
        ChatRequest second;
        if (calls.size() == 1) {
            ToolCall call = calls.getFirst();
            String reply = task.toolExecutor().execute(call);
            out.println("  tool: " + call.name() + " → " + reply + "   (run by the environment's tools)");
            List<ChatMessage> messages = new ArrayList<>(task.opening());
            // the turn as a chat client sends it back: its reasoning too (the template keeps it after the last user turn)
            String content = first.parsed().content() == null ? "" : first.parsed().content();
            messages.add(ChatMessage.assistant(content, first.parsed().reasoning(), calls));
            messages.add(ChatMessage.tool(call.id(), reply));
            second = new ChatRequest(messages, task.tools(), ChatRequestOptions.DEFAULTS.withEnableThinking(true));
        } else {
            Step reference = task.steps().getFirst();
            ToolCall call = reference.withReasoning().toolCalls().getFirst();
            out.println("  (no single tool call to run: the second turn continues from the reference call, as `eval` does)");
            out.println("  tool: " + call.name() + " → " + reference.replies().getFirst().content());
            second = task.prompt(1, true);
        }
        judge(task, 1, answer(second, settings(), "  "), true, "  ");
    }

    private void batching() throws InterruptedException {
        section(4, batchQuestions + " questions submitted at once");
        out.println("  The batch scheduler decodes them together (each weight read once per step for all of them); their lines");
        out.println("  stream interleaved as they are written. Tool questions are judged on their call.");
        List<Task> tasks = new ArrayList<>();
        for (int k = 0; k < batchQuestions; k++) tasks.add(Environments.mixedTask(DataSplit.EVAL, 3 * firstIndex + k));
        for (int k = 0; k < tasks.size(); k++) out.printf(Locale.ROOT, "  #%d %s: %s%n", k + 1, tasks.get(k).environment(), tasks.get(k).question());
        List<IndentedRenderer> lanes = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int k = 0; k < tasks.size(); k++) {
            IndentedRenderer lane = new IndentedRenderer(out, ansi, String.format(Locale.ROOT, "  #%-2d ", k + 1));
            lanes.add(lane);
            service.submit(service.chatJob(tasks.get(k).prompt(0, true), settings()), lane);
        }
        List<TextResult> results = new ArrayList<>();
        for (IndentedRenderer lane : lanes) results.add(await(lane));
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.println("  request  environment            tokens  queued  first token   done    tokens/s  verdict");
        int tokens = 0;
        for (int k = 0; k < tasks.size(); k++) {
            TextResult r = results.get(k);
            tokens += r.completionTokens();
            Verdict v = tasks.get(k).verify(0, r.rawText(), true);
            tally(v);
            out.printf(Locale.ROOT, "  #%-6d  %-21s  %6d  %5.2fs  %10.2fs  %5.2fs  %9.0f  %s%n", k + 1, tasks.get(k).environment(),
                    r.completionTokens(), r.timing().queuedNanos() / 1e9, r.timing().firstTokenNanos() / 1e9, r.timing().totalNanos() / 1e9,
                    r.decodeTokensPerSecond(), mark(v));
        }
        out.printf(Locale.ROOT, "  %d tokens in %.2f s = %.0f tokens/s together%n", tokens, seconds, tokens / Math.max(seconds, 1e-9));
        accuracyLine("  ");
    }

    private void section(int index, String what) {
        out.printf(Locale.ROOT, "%n[%d/%d] %s — %s%n", index + 1, SECTIONS.size(), SECTIONS.get(index), what);
    }

    private GenerationSettings settings() {
        return GenerationSettings.of(Sampling.GREEDY, maxTokens);
    }

    private TextResult answer(ChatRequest request, GenerationSettings settings, String tag) throws InterruptedException {
        IndentedRenderer renderer = new IndentedRenderer(out, ansi, tag);
        service.submit(service.chatJob(request, settings), renderer);
        TextResult r = await(renderer);
        out.printf(Locale.ROOT, "%s[%d tokens (%d reasoning), %.0f tokens/s, %s]%n", tag, r.completionTokens(), r.reasoningTokens(),
                r.decodeTokensPerSecond(), r.finishReason());
        return r;
    }

    private static TextResult await(IndentedRenderer renderer) throws InterruptedException {
        try {
            return renderer.result().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    private void judge(Task task, int step, TextResult r, boolean reasoning, String tag) {
        Verdict v = task.verify(step, r.rawText(), reasoning);
        tally(v);
        out.println(tag + mark(v));
        accuracyLine(tag);
    }

    private void tally(Verdict v) {
        checked++;
        if (v.correct()) correct++;
    }

    private void accuracyLine(String tag) {
        out.printf(Locale.ROOT, "%saccuracy so far: %d/%d%n", tag, correct, checked);
    }

    /** ✓ or ✗ with the verifier's reason. */
    static String mark(Verdict v) {
        return v.correct() ? "✓ " + v.reason() : "✗ " + (v.wellFormed() ? "wrong: " : "malformed: ") + v.reason();
    }

    private static String signature(ToolDefinition tool) {
        var properties = tool.json().path("function").path("parameters").path("properties");
        List<String> names = new ArrayList<>();
        properties.fieldNames().forEachRemaining(names::add);
        return tool.json().path("function").path("name").asText() + "(" + String.join(", ", names) + ")";
    }
}
