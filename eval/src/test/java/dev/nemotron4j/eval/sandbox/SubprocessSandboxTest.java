package dev.nemotron4j.eval.sandbox;

import dev.nemotron4j.eval.sandbox.ExecutionResult.Outcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The subprocess sandbox enforces each limit and reports it as the outcome; skipped only where python3 is absent. */
class SubprocessSandboxTest {

    static SubprocessSandbox sandbox;
    /** Wall time generous: on a loaded machine (tests run niced) one CPU second can take many wall seconds. */
    static final ExecutionLimits TIGHT = new ExecutionLimits(1, 256L << 20, 120, 64 << 10);

    @BeforeAll
    static void open() {
        assumeTrue(SubprocessSandbox.onPath("python3") != null, "python3 is not on PATH");
        sandbox = SubprocessSandbox.open("python3", true, true);
    }

    @Test
    void runsAProgramWithItsInputInAScratchDirectoryThatIsRemovedAfterwards() throws Exception {
        ExecutionResult r = sandbox.run("""
                import os, sys
                data = sys.stdin.read().split()
                print(sum(map(int, data)))
                print(os.getcwd())
                print(os.environ.get('JAVA_HOME'), os.environ.get('HOME') == os.getcwd())
                open('scratch.txt', 'w').write('x')
                """, "3 4 5\n", TIGHT);
        assertThat(r.outcome()).as(r.stderr()).isEqualTo(Outcome.OK);
        String[] lines = r.stdout().split("\n");
        assertThat(lines[0]).isEqualTo("12");
        assertThat(lines[2]).as("no inherited environment; HOME is the scratch directory").isEqualTo("None True");
        Path scratch = Path.of(lines[1]);
        assertThat(scratch.getFileName().toString()).startsWith("nemotron4j-sandbox-");
        assertThat(Files.exists(scratch)).as("scratch directory removed").isFalse();
    }

    @Test
    void anExceptionIsARuntimeErrorWithTheTracebackKept() {
        ExecutionResult r = sandbox.run("raise ValueError('bad input')\n", "", TIGHT);
        assertThat(r.outcome()).isEqualTo(Outcome.RUNTIME_ERROR);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("ValueError: bad input").contains("main.py");
    }

    @Test
    void aBusyLoopIsStoppedAtItsCpuTime() {
        ExecutionResult r = sandbox.run("while True:\n    pass\n", "", TIGHT);
        assertThat(r.outcome()).isEqualTo(Outcome.CPU_LIMIT);
    }

    @Test
    void aProgramThatWaitsIsKilledAtTheWallClockLimitWithTheProcessesItStarted() throws Exception {
        ExecutionResult r = sandbox.run("""
                import subprocess, sys, time
                child = subprocess.Popen(['sleep', '300'])
                print(child.pid, flush=True)
                time.sleep(300)
                """, "", new ExecutionLimits(5, 256L << 20, 8, 64 << 10));
        assertThat(r.outcome()).isEqualTo(Outcome.WALL_TIMEOUT);
        long child = Long.parseLong(r.stdout().strip());
        assertThat(runningAfterAWhile(child)).as("child process killed").isFalse();
    }

    /** Whether the process still runs after up to 10 s (SIGKILL is asynchronous; a killed process may linger as a zombie). */
    private static boolean runningAfterAWhile(long pid) throws InterruptedException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        for (int i = 0; i < 100; i++) {
            try {
                String s = Files.readString(stat);
                if (s.substring(s.lastIndexOf(')') + 2).startsWith("Z")) return false;
            } catch (java.io.IOException gone) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    @Test
    void aMemoryHogFailsWithMemoryLimit() {
        ExecutionResult r = sandbox.run("block = bytearray(1 << 30)\nprint(len(block))\n", "", TIGHT);
        assertThat(r.outcome()).as(r.stderr()).isEqualTo(Outcome.MEMORY_LIMIT);
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void tooMuchOutputIsCutAtTheLimit() {
        ExecutionResult r = sandbox.run("import sys\nwhile True:\n    sys.stdout.write('y' * 4096)\n", "", TIGHT);
        assertThat(r.outcome()).isEqualTo(Outcome.OUTPUT_LIMIT);
        assertThat(r.stdout().length()).isEqualTo(64 << 10);
    }

    @Test
    void theNetworkIsCutOffWhereUnshareWorks() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        accepted.incrementAndGet();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            ExecutionResult r = sandbox.run("""
                    import socket
                    socket.create_connection(('127.0.0.1', %d), timeout=3).close()
                    print('connected')
                    """.formatted(server.getLocalPort()), "", TIGHT);
            assertThat(r.networkIsolated()).isEqualTo(sandbox.networkIsolated());
            if (sandbox.networkIsolated()) {
                assertThat(r.outcome()).isEqualTo(Outcome.RUNTIME_ERROR);
                assertThat(r.stderr()).containsAnyOf("Network is unreachable", "Connection refused");
                assertThat(accepted.get()).isZero();
                assertThat(sandbox.identity().get("network").asText()).startsWith("isolated (unshare");
            } else {
                assertThat(r.outcome()).isEqualTo(Outcome.OK);
                assertThat(sandbox.identity().get("network").asText()).isEqualTo("NOT isolated");
            }
        }
    }

    @Test
    void withoutPrlimitTheSameLimitsAreSetFromInsidePython() {
        SubprocessSandbox inside = SubprocessSandbox.open("python3", false, false);
        assertThat(inside.identity().get("limits_by").asText()).isEqualTo("python resource module");
        assertThat(inside.networkIsolated()).isFalse();
        assertThat(inside.run("while True:\n    pass\n", "", TIGHT).outcome()).isEqualTo(Outcome.CPU_LIMIT);
        assertThat(inside.run("block = bytearray(1 << 30)\n", "", TIGHT).outcome()).isEqualTo(Outcome.MEMORY_LIMIT);
        assertThat(inside.run("print(input()[::-1])\n", "abc\n", TIGHT).stdout()).isEqualTo("cba\n");
    }

    @Test
    void identityNamesTheInterpreterVersion() {
        assertThat(sandbox.identity().get("runner").asText()).isEqualTo("subprocess");
        assertThat(sandbox.identity().get("python").asText()).matches("3\\.\\d+\\.\\d+.*");
    }

    @Test
    void aMissingInterpreterIsAClearError() {
        assertThatThrownBy(() -> SubprocessSandbox.open("python3-that-does-not-exist", true, true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs Python 3").hasMessageContaining("python3-that-does-not-exist");
    }

    @Test
    void withoutAChosenSandboxACodeTaskIsRefusedWithTheRiskExplained() {
        assertThatThrownBy(() -> SandboxSettings.of("livecodebench", java.util.Map.of()))
                .hasMessageContaining("task livecodebench runs the Python code the model writes")
                .hasMessageContaining("untrusted").hasMessageContaining("--allow-code-execution")
                .hasMessageContaining("params.sandbox: subprocess");
        assertThatThrownBy(() -> SandboxSettings.of("t", java.util.Map.of("sandbox", "chroot"))).hasMessageContaining("subprocess or container");
        assertThatThrownBy(() -> SandboxSettings.of("t", java.util.Map.of("sandbox", "subprocess", "cpu_seconds", 0)))
                .hasMessageContaining("task t: cpu_seconds must be at least 1");
        SandboxSettings s = SandboxSettings.of("t", java.util.Map.of("sandbox", "subprocess", "cpu_seconds", 2, "memory_mb", 512));
        assertThat(s.limits()).isEqualTo(new ExecutionLimits(2, 512L << 20, ExecutionLimits.DEFAULT.wallSeconds(), ExecutionLimits.DEFAULT.outputBytes()));
    }

    @Test
    void theContainerRunnerCutsTheNetworkAndBoundsTheContainer() {
        ContainerSandbox c = new ContainerSandbox("podman", "python:3.12-slim", "3.12.0");
        java.util.List<String> cmd = c.command("n1", Path.of("/tmp/x"), new ExecutionLimits(3, 256L << 20, 10, 1 << 20));
        assertThat(String.join(" ", cmd)).startsWith("podman run --rm -i --name n1 --network none --memory 268435456 --memory-swap 268435456")
                .contains("--ulimit cpu=3:4").contains("--pids-limit 64").contains("--read-only").contains("--cap-drop ALL")
                .contains("-v /tmp/x:/sandbox:ro").endsWith("python:3.12-slim python3 main.py");
        assertThat(c.networkIsolated()).isTrue();
    }
}
