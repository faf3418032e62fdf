package dev.nemotron4j.eval.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Runs model-written Python programs under limits. Running code a model wrote is running untrusted code: a sandbox
 * is only opened when the user asks for it ({@link SandboxSettings}), and every run is bounded in CPU time, memory,
 * wall-clock time and output, in a scratch directory that is removed afterwards, without network where the machine
 * allows it.
 *
 * <p>Two runners: {@link SubprocessSandbox} (python3 from PATH under {@code prlimit}, network cut off by
 * {@code unshare -n}) and {@link ContainerSandbox} ({@code docker} or {@code podman run --network none} with memory,
 * CPU and process limits, for stronger isolation). Another runner (a remote execution service, a microVM) implements
 * this interface and is added to {@link SandboxSettings#open()}.
 */
public sealed interface CodeSandbox permits SubprocessSandbox, ContainerSandbox {

    /**
     * Runs {@code source} as the main program with {@code stdin} as its standard input.
     *
     * @throws IllegalStateException when the runner itself fails (cannot start the interpreter), never for what the
     *                               program does
     */
    ExecutionResult run(String source, String stdin, ExecutionLimits limits);

    /** Whether programs run without network access. */
    boolean networkIsolated();

    /**
     * What can change results: the runner, the interpreter's version, how it is isolated. Recorded in the run's
     * lockfile, so a run scored under another Python is reported as drift by {@code eval verify}.
     */
    ObjectNode identity();

    /** {@link #identity()} with the limits programs run under: what a code scorer records as its environment. */
    default ObjectNode identity(ExecutionLimits limits) {
        ObjectNode e = identity().deepCopy();
        e.set("limits", dev.nemotron4j.eval.json.CanonicalJson.tree(limits));
        return e;
    }
}
