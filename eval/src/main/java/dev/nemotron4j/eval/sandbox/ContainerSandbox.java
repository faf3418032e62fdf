package dev.nemotron4j.eval.sandbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs each program in a throw-away container ({@code docker} or {@code podman}): no network
 * ({@code --network none}), memory and swap capped, one CPU, a process limit, CPU time and file size as ulimits,
 * a read-only root file system with a small writable /tmp, an unprivileged user, no capabilities, and the scratch
 * directory holding the program mounted read-only. The image must have {@code python3} (and whatever libraries the
 * benchmark needs, e.g. numpy and scipy for SciCode). A container that outlives the wall-clock limit is removed.
 */
public final class ContainerSandbox implements CodeSandbox {

    private final String engine;
    private final String image;
    private final String version;

    ContainerSandbox(String engine, String image, String version) {
        this.engine = engine;
        this.image = image;
        this.version = version;
    }

    /** Checks that the engine answers and that the image has Python 3 (the image is pulled by the engine if absent). */
    public static ContainerSandbox open(String engine, String image) {
        if (!engine.equals("docker") && !engine.equals("podman")) {
            throw new IllegalArgumentException("params.engine must be docker or podman, not " + engine);
        }
        if (SubprocessSandbox.onPath(engine) == null) throw new IllegalStateException("the container sandbox needs " + engine + " on PATH");
        BoundedProcess.Finished f = BoundedProcess.run(List.of(engine, "run", "--rm", "--network", "none", image, "python3", "-c",
                        "import sys; print(sys.version.split()[0])"), Path.of(System.getProperty("java.io.tmpdir")),
                Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "HOME", System.getProperty("user.home")), "", 600, 1 << 16);
        String out = new String(f.stdout(), StandardCharsets.UTF_8).strip();
        if (f.exitCode() != 0 || !out.startsWith("3")) {
            throw new IllegalStateException("the container sandbox cannot run python3 in " + image + " with " + engine + ": "
                    + (f.timedOut() ? "timed out" : f.stderrTail().strip()));
        }
        return new ContainerSandbox(engine, image, out);
    }

    @Override
    public boolean networkIsolated() { return true; }

    @Override
    public ObjectNode identity() {
        ObjectNode id = JsonNodeFactory.instance.objectNode();
        id.put("runner", "container");
        id.put("engine", engine);
        id.put("image", image);
        id.put("python", version);
        id.put("network", "isolated (--network none)");
        return id;
    }

    @Override
    public ExecutionResult run(String source, String stdin, ExecutionLimits limits) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("nemotron4j-container-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Files.writeString(scratch.resolve("main.py"), source, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the container's scratch directory", e);
        }
        String name = "nemotron4j-sandbox-" + UUID.randomUUID();
        try {
            BoundedProcess.Finished f = BoundedProcess.run(command(name, scratch, limits), scratch,
                    Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "HOME", System.getProperty("user.home")),
                    stdin, limits.wallSeconds(), limits.outputBytes());
            // killing the client does not stop the container
            if (f.timedOut() || f.outputExceeded()) BoundedProcess.run(List.of(engine, "rm", "-f", name), scratch, Map.of("PATH",
                    System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "HOME", System.getProperty("user.home")), "", 60, 1 << 16);
            return new ExecutionResult(SubprocessSandbox.classify(f), f.exitCode(), new String(f.stdout(), StandardCharsets.UTF_8),
                    f.stderrTail(), f.wallMillis(), true);
        } finally {
            try {
                Files.deleteIfExists(scratch.resolve("main.py"));
                Files.deleteIfExists(scratch);
            } catch (IOException ignored) {
                // a leftover temp directory holding one program; the OS cleans temp
            }
        }
    }

    /** The {@code run} command line for one program. */
    List<String> command(String name, Path scratch, ExecutionLimits limits) {
        long cpu = limits.cpuSeconds();
        List<String> cmd = new ArrayList<>(List.of(engine, "run", "--rm", "-i", "--name", name,
                "--network", "none", "--memory", String.valueOf(limits.memoryBytes()), "--memory-swap", String.valueOf(limits.memoryBytes()),
                "--cpus", "1", "--pids-limit", "64", "--ulimit", "cpu=" + cpu + ":" + (cpu + 1),
                "--ulimit", "fsize=" + limits.outputBytes() + ":" + limits.outputBytes(), "--read-only", "--tmpfs", "/tmp:size=64m",
                "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--user", "65534:65534",
                "-e", "HOME=/tmp", "-e", "PYTHONHASHSEED=0", "-e", "PYTHONDONTWRITEBYTECODE=1", "-e", "OMP_NUM_THREADS=1",
                "-e", "OPENBLAS_NUM_THREADS=1", "-v", scratch.toAbsolutePath() + ":/sandbox:ro", "-w", "/sandbox", image, "python3", "main.py"));
        return cmd;
    }
}
