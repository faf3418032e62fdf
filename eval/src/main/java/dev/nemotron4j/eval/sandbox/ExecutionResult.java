package dev.nemotron4j.eval.sandbox;

/**
 * How one run of a program ended.
 *
 * @param outcome         the verdict on the run itself (not on its output)
 * @param exitCode        the process's exit status (128 + signal when a signal ended it), or -1 when it was killed by us
 * @param stdout          standard output, up to the output limit
 * @param stderr          the end of standard error (at most {@link #STDERR_KEPT} characters)
 * @param wallMillis      wall-clock time the run took
 * @param networkIsolated whether the program ran without network access
 */
public record ExecutionResult(Outcome outcome, int exitCode, String stdout, String stderr, long wallMillis, boolean networkIsolated) {

    /** How much of standard error is kept: the end, where Python puts the exception. */
    public static final int STDERR_KEPT = 4000;
    /** How much of standard error a failed sample's details show. */
    private static final int STDERR_IN_DETAILS = 600;

    /**
     * Adds what a reader of a failed sample needs to {@code details}: the end of standard error (when any) and
     * {@code network_isolated: false} when the program could reach the network.
     */
    public com.fasterxml.jackson.databind.node.ObjectNode describeFailure(com.fasterxml.jackson.databind.node.ObjectNode details) {
        String err = stderr.strip();
        if (!err.isEmpty()) details.put("stderr", err.length() > STDERR_IN_DETAILS ? err.substring(err.length() - STDERR_IN_DETAILS) : err);
        if (!networkIsolated) details.put("network_isolated", false);
        return details;
    }

    public enum Outcome {
        /** Exited with status 0. */
        OK,
        /** Exited with another status (an exception, an assertion, a crash). */
        RUNTIME_ERROR,
        /** Used up its CPU time. */
        CPU_LIMIT,
        /** Ran past the wall-clock limit (waiting, not computing). */
        WALL_TIMEOUT,
        /** Could not get memory within its address-space limit. */
        MEMORY_LIMIT,
        /** Wrote more than the output limit. */
        OUTPUT_LIMIT;

        /** The snake_case name stored with samples. */
        public String key() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public boolean ok() { return outcome == Outcome.OK; }
}
