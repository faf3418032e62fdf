package dev.nemotron4j.cli;

import picocli.CommandLine;

/**
 * Turns exceptions escaping a command into one clear line on stderr and exit code 1;
 * {@code NEMOTRON4J_DEBUG=1} prints the stack trace as well.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        cl.getErr().println("error: " + msg);
        if (System.getenv("NEMOTRON4J_DEBUG") != null) ex.printStackTrace(cl.getErr());
        return 1;
    }
}
