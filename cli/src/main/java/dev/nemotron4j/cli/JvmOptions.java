package dev.nemotron4j.cli;

import dev.nemotron4j.engine.loading.MemoryPlan;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.ModelConfig;
import picocli.CommandLine;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The launcher's pre-pass: parses a {@code nemotron4j} command line as {@link Main} would, reads the model's
 * configuration (header only) and prints the JVM memory flags for it ({@link JvmHeap}) on one line. Prints nothing
 * for a command that runs no model, or when anything is wrong with the arguments or the model: the command itself
 * then reports it.
 */
public final class JvmOptions {
    private JvmOptions() {}

    public static void main(String[] args) {
        String flags;
        try {
            flags = flags(args);
        } catch (RuntimeException | LinkageError e) {
            return;
        }
        if (!flags.isEmpty()) System.out.println(flags);
    }

    /** The commands that run a model, by name: only the one named is built (building every command costs a second). */
    private static final Map<String, Supplier<RunsModel>> COMMANDS = Map.of(
            "inspect", InspectCommand::new, "logits", LogitsCommand::new, "generate", GenerateCommand::new,
            "chat", ChatCommand::new, "template", TemplateCommand::new, "tokenize", TokenizeCommand::new,
            "serve", ServeCommand::new, "bench", BenchCommand::new, "demo", DemoCommand::new, "eval run", EvalCommand.Run::new);

    static String flags(String[] args) {
        int named = args.length > 1 && args[0].equals("eval") ? 2 : 1;
        if (args.length < named) return "";
        String name = String.join(" ", Arrays.asList(args).subList(0, named));
        Supplier<RunsModel> factory = COMMANDS.get(name);
        if (factory == null) return "";
        RunsModel command = factory.get();
        CommandLine.ParseResult parsed = new CommandLine(command).parseArgs(Arrays.copyOfRange(args, named, args.length));
        if (parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested() || command.modelPath() == null) return "";
        ModelSource source = ModelSource.of(command.modelPath());
        ModelConfig config = source.config();
        MemoryPlan plan = new MemoryPlan(config, source.fileBytes());
        MemoryPlan.Workload workload = command.workload(config);
        JvmHeap heap = JvmHeap.of(plan, workload, physicalMemory());
        if (heap.capped()) {
            System.err.printf("nemotron4j: %s may need up to %s of heap (%d sequence(s) x %d tokens); this machine leaves %s "
                            + "next to the weights: lower --context or --max-batch, or use --kv-cache f16%n",
                    name, JvmHeap.gib(heap.neededBytes()), workload.sequences(), workload.contextTokens(),
                    JvmHeap.gib(heap.maxBytes()));
        }
        return String.join(" ", heap.flags());
    }

    static long physicalMemory() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : 0;
    }
}
