package dev.nemotron4j.eval.sandbox;

import java.util.Map;

/**
 * A code task's sandbox settings, from its {@code params}: {@code sandbox} ({@code subprocess} or {@code container};
 * absent: the task is refused, code execution is opt-in), the per-run limits {@code cpu_seconds}, {@code memory_mb},
 * {@code wall_seconds}, {@code output_kb}, and per runner {@code python} (subprocess: the interpreter, default
 * {@code python3} from PATH), {@code require_network_isolation} (subprocess: refuse to run when {@code unshare -n}
 * is unavailable), {@code engine} and {@code image} (container: docker or podman, and an image with python3).
 */
public record SandboxSettings(String runner, ExecutionLimits limits, String python, boolean requireNetworkIsolation,
                              String engine, String image) {

    public static final String DEFAULT_IMAGE = "python:3.12-slim";

    /**
     * The settings in a task's params.
     *
     * @throws IllegalArgumentException naming the task when no sandbox was chosen (with the risk explained) or a
     *                                  setting is invalid
     */
    public static SandboxSettings of(String task, Map<String, Object> params) {
        Map<String, Object> p = params == null ? Map.of() : params;
        Object runner = p.get("sandbox");
        if (runner == null || runner.toString().equals("none")) throw new IllegalArgumentException(refusal(task));
        String name = runner.toString();
        if (!name.equals("subprocess") && !name.equals("container")) {
            throw new IllegalArgumentException("task " + task + ": params.sandbox must be subprocess or container, not " + name);
        }
        ExecutionLimits d = ExecutionLimits.DEFAULT;
        ExecutionLimits limits;
        try {
            limits = new ExecutionLimits(
                    intParam(p, "cpu_seconds", d.cpuSeconds()),
                    (long) intParam(p, "memory_mb", (int) (d.memoryBytes() >> 20)) << 20,
                    number(p, "wall_seconds", d.wallSeconds()),
                    (long) intParam(p, "output_kb", (int) (d.outputBytes() >> 10)) << 10);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("task " + task + ": " + e.getMessage(), e);
        }
        return new SandboxSettings(name, limits, String.valueOf(p.getOrDefault("python", "python3")),
                Boolean.parseBoolean(String.valueOf(p.getOrDefault("require_network_isolation", "false"))),
                String.valueOf(p.getOrDefault("engine", "docker")), String.valueOf(p.getOrDefault("image", DEFAULT_IMAGE)));
    }

    /** Why a code task without a sandbox does not run, and how to let it. */
    public static String refusal(String task) {
        return "task " + task + " runs the Python code the model writes. That code is untrusted: within the sandbox's limits it can "
                + "read and delete what your user can, and use the network where it cannot be cut off. Code execution is therefore "
                + "opt-in: pass --allow-code-execution (the subprocess sandbox: CPU, memory, time and output limits, a scratch "
                + "directory, no network via unshare -n where available), or set params.sandbox: subprocess, or params.sandbox: "
                + "container (docker/podman --network none) for stronger isolation. Prefer a disposable machine or container "
                + "(docs/EVALUATION.md, \"Code execution sandbox\").";
    }

    /** Opens the chosen runner (probing the interpreter or the container engine). */
    public CodeSandbox open() {
        return switch (runner) {
            case "subprocess" -> {
                SubprocessSandbox s = SubprocessSandbox.open(python, true, true);
                if (!s.networkIsolated()) {
                    if (requireNetworkIsolation) {
                        throw new IllegalStateException("params.require_network_isolation is set, but unshare -n does not work on this "
                                + "machine (no unshare, or no permission for network namespaces); use params.sandbox: container");
                    }
                    System.err.println("warning: the code sandbox cannot cut programs off from the network on this machine "
                            + "(unshare -n unavailable); they run with network access");
                }
                yield s;
            }
            case "container" -> ContainerSandbox.open(engine, image);
            default -> throw new IllegalStateException(runner);
        };
    }

    private static int intParam(Map<String, Object> p, String key, int fallback) {
        Object v = p.get(key);
        if (v == null) return fallback;
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.intValue();
        try {
            return Integer.parseInt(v.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("params." + key + " must be a whole number, not " + v);
        }
    }

    private static double number(Map<String, Object> p, String key, double fallback) {
        Object v = p.get(key);
        if (v == null) return fallback;
        if (v instanceof Number n) return n.doubleValue();
        try {
            return Double.parseDouble(v.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("params." + key + " must be a number, not " + v);
        }
    }
}
