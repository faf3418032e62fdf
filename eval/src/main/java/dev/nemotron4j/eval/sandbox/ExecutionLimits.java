package dev.nemotron4j.eval.sandbox;

/**
 * What one run of a program may use. CPU time is the limit that decides a slow solution (it does not depend on how
 * loaded the machine is); the wall-clock limit only catches programs that wait (sleep, a blocked read) and is generous.
 *
 * @param cpuSeconds  CPU time (RLIMIT_CPU), whole seconds, at least 1
 * @param memoryBytes address space (RLIMIT_AS)
 * @param wallSeconds wall-clock time before the program is killed
 * @param outputBytes the most bytes of standard output kept; a program writing more is killed (also the largest file
 *                    it may write, RLIMIT_FSIZE)
 */
public record ExecutionLimits(int cpuSeconds, long memoryBytes, double wallSeconds, long outputBytes) {

    /** LiveCodeBench's per-test timeout is 6 s; 1 GiB of address space holds Python with numpy and scipy imported. */
    public static final ExecutionLimits DEFAULT = new ExecutionLimits(6, 1L << 30, 30, 8L << 20);

    public ExecutionLimits {
        if (cpuSeconds < 1) throw new IllegalArgumentException("cpu_seconds must be at least 1, not " + cpuSeconds);
        if (memoryBytes < (32L << 20)) throw new IllegalArgumentException("memory must be at least 32 MiB, not " + memoryBytes + " bytes");
        if (!(wallSeconds > 0)) throw new IllegalArgumentException("wall_seconds must be positive, not " + wallSeconds);
        if (outputBytes < 1024) throw new IllegalArgumentException("output limit must be at least 1 KiB, not " + outputBytes + " bytes");
    }
}
