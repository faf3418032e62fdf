package dev.nemotron4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code nemotron4j} command line. Each sub-command lives in its own class.
 */
@Command(name = "nemotron4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Nemotron 3 Nano (Nemotron-H) in pure Java: inspect, run, chat, serve, evaluate.",
        subcommands = {
                CommandLine.HelpCommand.class,
                EvalCommand.class,
                DemoCommand.class,
                InspectCommand.class,
                LogitsCommand.class,
                GradCommand.class,
                TrainCommand.class,
                ServeCommand.class,
                GenerateCommand.class,
                ChatCommand.class,
                TemplateCommand.class,
                TokenizeCommand.class,
                TokenizerCommand.class,
                ConvertCommand.class,
                QuantizeCommand.class,
                SynthCommand.class,
                BenchCommand.class,
                BenchReportCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        int code;
        try {
            code = commandLine().execute(args);
        } catch (OutOfMemoryError e) {
            // the launcher sized the heap for this command (JvmOptions); say how to give it more
            System.err.printf("error: out of Java heap (-Xmx%dm): %s; set NEMOTRON4J_JAVA_OPTS=-Xmx<size> for more%n",
                    Runtime.getRuntime().maxMemory() >> 20, e.getMessage());
            code = 1;
        }
        System.exit(code);
    }

    /** The configured picocli command line (shared by {@link #main} and tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new CliErrors());
        return cl;
    }

    /** Version from the jar manifest, falling back to the build's version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"nemotron4j " + (v == null ? "0.1.0" : v),
                    "JVM: " + System.getProperty("java.vm.name") + " " + Runtime.version()};
        }
    }
}
