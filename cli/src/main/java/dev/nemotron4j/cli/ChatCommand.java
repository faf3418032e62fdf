package dev.nemotron4j.cli;

import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.engine.generation.BatchScheduler;
import dev.nemotron4j.engine.loading.MemoryPlan;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.runtime.GenerationSettings;
import dev.nemotron4j.runtime.ModelBundle;
import dev.nemotron4j.runtime.TextGeneration;
import dev.nemotron4j.runtime.TextResult;
import dev.nemotron4j.runtime.TextService;
import dev.nemotron4j.runtime.TextSink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * {@code nemotron4j chat}: an interactive conversation in the terminal. Tokens stream as they are generated,
 * reasoning is dimmed (or folded), and slash commands change the settings between turns. Works with piped
 * input too (one message per line, plain output).
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Chat with the model in the terminal (/help lists the commands).")
final class ChatCommand implements Callable<Integer>, RunsModel {

    @Mixin
    ModelOrDefaultOption model;

    @Mixin
    ReasoningOptions reasoning;

    @Option(names = "--max-tokens", defaultValue = "2048", description = "Token limit per answer (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--hide-reasoning", description = "Fold reasoning into one line.")
    boolean hideReasoning;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    KvCacheOption kvCache;

    private final List<ChatMessage> history = new ArrayList<>();
    /** What Ctrl-C at the prompt does: quit (tests replace it, their JVM must live on). */
    static volatile Runnable quitAtPrompt = () -> System.exit(0);
    /**
     * Between an answer's text and the terminal renderer, given the renderer and the answer's generation (null until
     * submitted): the renderer itself here; tests hold the rendering back to press Ctrl-C after the model is done.
     */
    static volatile BiFunction<TextSink, Supplier<TextGeneration>, TextSink> rendering = (renderer, generation) -> renderer;
    /** The answer being written, if any: Ctrl-C stops it (the model and the rendering of what it generated). */
    private volatile TextGeneration current;

    @Override
    public Path modelPath() {
        return model.path();
    }

    /** One conversation that may grow to the model's context, its prompts fed in chunks; TextService's 8 logit rows. */
    @Override
    public MemoryPlan.Workload workload(ModelConfig config) {
        return new MemoryPlan.Workload(1, Math.max(1, config.maxPositionEmbeddings()), BatchScheduler.DEFAULT_PREFILL_CHUNK, 8, kvCache.type, true);
    }

    @Override
    public Integer call() throws IOException {
        boolean terminal = System.console() != null && System.console().isTerminal();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (ModelBundle bundle = kvCache.open(model.toRun());
             TextService service = new TextService(bundle, TextService.defaultOptions(bundle))) {
            bundle.renderPrompt(new ChatRequest(List.of(ChatMessage.user("x")), List.of(), ChatRequestOptions.DEFAULTS)); // fail early if unsupported
            if (terminal) {
                out.printf("nemotron4j chat — %s (%s parameters). /help for commands, Ctrl-C stops an answer, Ctrl-D quits.%n",
                        bundle.name(), String.format(Locale.ROOT, "%,d", bundle.parameterCount()));
            }
            SignalHandler previous = onInterrupt(out);
            try {
                converse(service, in, out, terminal);
            } finally {
                if (previous != null) Signal.handle(new Signal("INT"), previous);
            }
        }
        return 0;
    }

    /**
     * Ctrl-C stops the answer being written and keeps the conversation; at the prompt (no answer running) it quits,
     * as Ctrl-D does. Returns the handler it replaced (null when SIGINT cannot be handled here).
     */
    private SignalHandler onInterrupt(PrintStream out) {
        try {
            return Signal.handle(new Signal("INT"), signal -> {
                TextGeneration answer = current;
                if (answer != null) {
                    answer.cancel();
                } else {
                    out.println();
                    quitAtPrompt.run();
                }
            });
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void converse(TextService service, BufferedReader in, PrintStream out, boolean terminal) throws IOException {
        while (true) {
            if (terminal) out.print("\n> ");
            String line = in.readLine();
            if (line == null) break;
            line = line.strip();
            if (line.isEmpty()) continue;
            if (line.startsWith("/")) {
                if (!command(line, out)) break;
                continue;
            }
            history.add(ChatMessage.user(line));
            answer(service, out, terminal);
        }
    }

    /** Handles a slash command; false means quit. */
    private boolean command(String line, PrintStream out) {
        String[] parts = line.split("\\s+", 2);
        String arg = parts.length > 1 ? parts[1].strip() : "";
        switch (parts[0]) {
            case "/think" -> {
                if (arg.equals("on") || arg.equals("off")) reasoning.think = arg.equals("on");
                out.println("reasoning " + (reasoning.think ? "on" : "off"));
            }
            case "/budget" -> {
                if (arg.equals("off") || arg.equals("none")) reasoning.budget = null;
                else {
                    try {
                        int n = Integer.parseInt(arg);
                        if (n < 0) throw new NumberFormatException();
                        reasoning.budget = n;
                    } catch (NumberFormatException e) {
                        out.println("usage: /budget N | /budget off");
                        return true;
                    }
                }
                out.println("reasoning budget " + (reasoning.budget == null ? "off" : reasoning.budget + " tokens"));
            }
            case "/system" -> {
                reasoning.system = arg.isEmpty() ? null : arg;
                out.println(reasoning.system == null ? "system prompt cleared" : "system prompt set");
            }
            case "/fold" -> {
                hideReasoning = !arg.equals("off");
                out.println("reasoning " + (hideReasoning ? "folded" : "shown"));
            }
            case "/reset" -> {
                history.clear();
                out.println("conversation cleared");
            }
            case "/history" -> {
                for (ChatMessage m : history) {
                    String text = m.content() == null ? "" : m.content().replace('\n', ' ');
                    out.println(m.role() + ": " + (text.length() > 60 ? text.substring(0, 60) + "..." : text));
                }
                out.println(history.size() + " messages");
            }
            case "/exit", "/quit" -> {
                return false;
            }
            case "/help" -> out.println("""
                    /think on|off     reasoning on or off
                    /budget N|off     reasoning budget in tokens
                    /system TEXT      set the system prompt (empty clears it)
                    /fold on|off      fold reasoning into one line, or show it dimmed
                    /reset            forget the conversation
                    /history          list the conversation's messages
                    /exit             quit (or Ctrl-D; Ctrl-C stops an answer)""");
            default -> out.println("unknown command " + parts[0] + " (/help)");
        }
        return true;
    }

    private void answer(TextService service, PrintStream out, boolean terminal) {
        List<ChatMessage> messages = new ArrayList<>();
        if (reasoning.system != null) messages.add(ChatMessage.system(reasoning.system));
        messages.addAll(history);
        ChatRequest request = new ChatRequest(messages, List.of(), ChatRequestOptions.DEFAULTS.withEnableThinking(reasoning.think));
        GenerationSettings settings = GenerationSettings.of(sampling.sampling(), maxTokens)
                .withBudget(reasoning.thinkingBudget());
        ConsoleRenderer renderer = new ConsoleRenderer(out, terminal, !hideReasoning);
        current = service.submit(service.chatJob(request, settings), rendering.apply(renderer, () -> current));
        try {
            TextResult r = renderer.result().get();
            if (r.cancelled()) out.println(terminal ? "\u001b[2m[stopped]\u001b[0m" : "[stopped]");
            history.add(ChatMessage.assistant(r.parsed().content() == null ? "" : r.parsed().content(),
                    r.parsed().reasoning(), r.parsed().toolCalls()));
            String stats = String.format(Locale.ROOT, "[%d tokens (%d reasoning), %.1f tokens/s, %s]",
                    r.completionTokens(), r.reasoningTokens(), r.decodeTokensPerSecond(), r.finishReason());
            out.println(terminal ? "\u001b[2m" + stats + "\u001b[0m" : stats);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            history.removeLast();
            out.println("error: " + e.getCause().getMessage());
        } finally {
            current = null;
        }
    }
}
