package dev.nemotron4j.eval.sandbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.sandbox.ExecutionResult.Outcome;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs a program with the machine's own Python 3 ({@code python3} from PATH, or a named interpreter): each run in a
 * fresh scratch directory (its working directory, HOME and TMPDIR; deleted afterwards) with an empty environment
 * apart from a few fixed variables, CPU time, address space and file size limited by {@code prlimit} (or, without
 * it, by Python's {@code resource} module before the program starts), and no network when {@code unshare -n} works
 * on this machine (root, or unprivileged user namespaces). Without {@code unshare} the program can reach the
 * network: {@link #networkIsolated()} says so, and so do the results and the lockfile.
 *
 * <p>This is process-level isolation: the program runs as the user running the harness and can read what that user
 * can read. Use {@link ContainerSandbox} where that matters.
 */
public final class SubprocessSandbox implements CodeSandbox {

    private final String interpreter;
    private final String version;
    private final boolean usePrlimit;
    private final List<String> isolation;

    private SubprocessSandbox(String interpreter, String version, boolean usePrlimit, List<String> isolation) {
        this.interpreter = interpreter;
        this.version = version;
        this.usePrlimit = usePrlimit;
        this.isolation = isolation;
    }

    /**
     * Finds the interpreter and probes what the machine offers.
     *
     * @param python          the interpreter to run ({@code python3} searched on PATH, or a path)
     * @param isolateNetwork  whether to try {@code unshare -n} (false: the program may use the network)
     * @param allowPrlimit    whether to use {@code prlimit} when it is on PATH (false: Python's {@code resource} module)
     */
    public static SubprocessSandbox open(String python, boolean isolateNetwork, boolean allowPrlimit) {
        String found = python.contains(File.separator) ? python : onPath(python);
        if (found == null || !Files.isExecutable(Path.of(found))) {
            throw new IllegalStateException("the code sandbox needs Python 3, but '" + python + "' was not found on PATH ("
                    + System.getenv("PATH") + "); install python3 or name an interpreter with params.python");
        }
        // the real interpreter behind shims (pyenv, asdf), and its version, once
        List<String> probe = probe(List.of(found, "-c", "import sys; print(sys.executable); print(sys.version.split()[0]); print(sys.version_info[0])"));
        if (probe == null || probe.size() < 3 || !probe.get(2).equals("3")) {
            throw new IllegalStateException("the code sandbox needs Python 3; " + found + " answered " + probe);
        }
        String interpreter = probe.get(0).isBlank() ? found : probe.get(0);
        boolean prlimit = allowPrlimit && onPath("prlimit") != null && probe(List.of("prlimit", "--cpu=5:6", "--", interpreter, "-c", "pass")) != null;
        List<String> isolation = List.of();
        if (isolateNetwork && onPath("unshare") != null) {
            // as root a network namespace is enough; otherwise a user namespace makes it possible
            for (List<String> candidate : List.of(List.of("unshare", "-n"), List.of("unshare", "-r", "-n"))) {
                List<String> test = new ArrayList<>(candidate);
                test.addAll(List.of(interpreter, "-c", "pass"));
                if (probe(test) != null) {
                    isolation = candidate;
                    break;
                }
            }
        }
        return new SubprocessSandbox(interpreter, probe.get(1), prlimit, isolation);
    }

    @Override
    public boolean networkIsolated() { return !isolation.isEmpty(); }

    @Override
    public ObjectNode identity() {
        ObjectNode id = JsonNodeFactory.instance.objectNode();
        id.put("runner", "subprocess");
        id.put("python", version);
        id.put("limits_by", usePrlimit ? "prlimit" : "python resource module");
        id.put("network", networkIsolated() ? "isolated (" + String.join(" ", isolation) + ")" : "NOT isolated");
        return id;
    }

    @Override
    public ExecutionResult run(String source, String stdin, ExecutionLimits limits) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("nemotron4j-sandbox-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the sandbox's scratch directory", e);
        }
        try {
            Files.writeString(scratch.resolve("main.py"), source, StandardCharsets.UTF_8);
            BoundedProcess.Finished f = BoundedProcess.run(command(limits), scratch, environment(scratch), stdin,
                    limits.wallSeconds(), limits.outputBytes());
            // tracebacks name the script by its absolute path: the random scratch name would make verdicts differ between runs
            String stderr = f.stderrTail().replace(scratch + File.separator, "");
            return new ExecutionResult(classify(f), f.exitCode(), new String(f.stdout(), StandardCharsets.UTF_8), stderr,
                    f.wallMillis(), networkIsolated());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the program into " + scratch, e);
        } finally {
            delete(scratch);
        }
    }

    private List<String> command(ExecutionLimits limits) {
        long cpu = limits.cpuSeconds();
        List<String> cmd = new ArrayList<>();
        if (usePrlimit) {
            // soft limit: SIGXCPU at the limit; hard limit one second later: SIGKILL for a program that catches it
            cmd.addAll(List.of("prlimit", "--cpu=" + cpu + ":" + (cpu + 1), "--as=" + limits.memoryBytes(),
                    "--fsize=" + limits.outputBytes(), "--core=0", "--"));
        }
        cmd.addAll(isolation);
        cmd.add(interpreter);
        if (usePrlimit) {
            cmd.add("main.py");
        } else {
            // the same limits set from inside, then the program replaces the launcher
            cmd.addAll(List.of("-c", "import os, resource, sys\n"
                    + "resource.setrlimit(resource.RLIMIT_CPU, (" + cpu + ", " + (cpu + 1) + "))\n"
                    + "resource.setrlimit(resource.RLIMIT_AS, (" + limits.memoryBytes() + ", " + limits.memoryBytes() + "))\n"
                    + "resource.setrlimit(resource.RLIMIT_FSIZE, (" + limits.outputBytes() + ", " + limits.outputBytes() + "))\n"
                    + "resource.setrlimit(resource.RLIMIT_CORE, (0, 0))\n"
                    + "os.execv(sys.executable, [sys.executable, 'main.py'])\n"));
        }
        return cmd;
    }

    private static Map<String, String> environment(Path scratch) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", scratch.toString());
        env.put("TMPDIR", scratch.toString());
        env.put("LANG", "C.UTF-8");
        env.put("PYTHONIOENCODING", "utf-8");
        env.put("PYTHONHASHSEED", "0");            // set iteration order is part of some programs' output
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        // numeric libraries start a thread per core and reserve address space for each
        for (String v : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")) env.put(v, "1");
        return env;
    }

    /** The verdict on a finished process (signals arrive as 128 + signal number). */
    static Outcome classify(BoundedProcess.Finished f) {
        if (f.outputExceeded()) return Outcome.OUTPUT_LIMIT;
        if (f.timedOut()) return Outcome.WALL_TIMEOUT;
        int code = f.exitCode();
        if (code == 0) return Outcome.OK;
        if (code == 128 + 24 || code == 128 + 9) return Outcome.CPU_LIMIT;      // SIGXCPU at the soft limit, SIGKILL at the hard one
        if (code == 128 + 25) return Outcome.OUTPUT_LIMIT;                     // SIGXFSZ: a file past the size limit
        String err = f.stderrTail();
        if (err.contains("MemoryError") || err.contains("Cannot allocate memory") || err.contains("std::bad_alloc")
                || err.contains("out of memory")) {
            return Outcome.MEMORY_LIMIT;
        }
        if (err.contains("File too large")) return Outcome.OUTPUT_LIMIT;
        return Outcome.RUNTIME_ERROR;
    }

    /** The lines a command printed when it exited with 0 within a few seconds, else null. */
    private static List<String> probe(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            p.getErrorStream().readAllBytes();
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).lines().toList() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The executable {@code program} on PATH, or null (how tests and callers check for python3). */
    public static String onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) return candidate.toString();
        }
        return null;
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                // a program may have made its files read-only; the directory entry still goes
                p.toFile().setWritable(true);
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the sandbox's scratch directory " + dir, e);
        }
    }
}
