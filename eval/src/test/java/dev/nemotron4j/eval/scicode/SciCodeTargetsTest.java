package dev.nemotron4j.eval.scicode;

import dev.nemotron4j.eval.hdf5.Hdf5FormatException;
import dev.nemotron4j.eval.sandbox.ExecutionLimits;
import dev.nemotron4j.eval.sandbox.ExecutionResult;
import dev.nemotron4j.eval.sandbox.SubprocessSandbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SciCode's targets from an HDF5 file laid out as SciCode's test_data.h5 (fixture written by h5py, make_fixtures.py):
 * each rebuilt in Python as SciCode's process_hdf5_to_tuple reads it, checked by running the program.
 */
class SciCodeTargetsTest {
    @TempDir
    Path dir;

    private SciCodeTargets targets() throws IOException {
        Path out = dir.resolve("test_data.h5");
        try (InputStream in = getClass().getResourceAsStream("/dev/nemotron4j/eval/hdf5/scicode-targets.h5")) {
            Files.copy(in, out);
        }
        return SciCodeTargets.open(out);
    }

    /** Generous wall time: a loaded CI machine runs these at low priority. */
    private static final ExecutionLimits LIMITS = new ExecutionLimits(20, 1L << 30, 300, 8L << 20);

    private static ExecutionResult runPython(String program) {
        assumeTrue(SubprocessSandbox.onPath("python3") != null, "python3 is not on PATH");
        SubprocessSandbox sandbox = SubprocessSandbox.open("python3", false, true);
        ExecutionResult probe = sandbox.run("import numpy", "", LIMITS);
        assumeTrue(probe.ok(), "numpy is not installed for python3");
        return sandbox.run(program, "", LIMITS);
    }

    @Test
    void numbersAndStringsAreRebuiltExactlyAsTheirExpressionsSay() throws IOException {
        List<String> t = targets().expressions("1.1", 3);
        assertThat(t).containsExactly(
                "_n4j_array('<f8', (3,), 'AAAAAAAA4D8AAAAAAAD4PwAAAAAAAARA')",
                "_n4j_scalar('<f8', 'AAAAAAAACEA=')",
                "_n4j_text('ZG9uZQ==')");
    }

    @Test
    void targetsReadAsSciCodeReadsThemPassTheirChecksInPython() throws IOException {
        SciCodeTargets targets = targets();
        String program = SciCodeProgram.assemble("import numpy as np\n", "", List.of(
                // 1.1: an array, a numpy scalar, a decoded string
                "assert isinstance(target, np.ndarray) and target.dtype == np.float64 and np.array_equal(target, [0.5, 1.5, 2.5])",
                "assert type(target) is np.float64 and target == 3.0",
                "assert target == 'done' and isinstance(target, str)",
                // 1.2: a tuple of ten in name order (var1, var10, var2, ...), a list group, a dict group
                "from scicode.compare.cmp import cmp_tuple_or_list\n"
                        + "assert isinstance(target, tuple) and len(target) == 10\n"
                        + "assert target[0] == 4 and target[0].dtype == np.int64 and target[1] == 5\n"
                        + "assert target[2].dtype == np.bool_ and not target[2]\n"
                        + "assert target[3].dtype == np.complex128 and target[3][0] == 1 + 1j and target[4] == 's'\n"
                        // (a string inside cmp_tuple_or_list makes np.allclose raise a TypeError, in SciCode too: leave it out)
                        + "rest = target[:4] + target[5:]\n"
                        + "assert cmp_tuple_or_list(rest, (4, 5, False, np.array([1 + 1j]), 0.1, 1, 2, 3, 4))\n"
                        + "assert not cmp_tuple_or_list(rest, (4, 5, False, np.array([1 + 2j]), 0.1, 1, 2, 3, 4))",
                "assert isinstance(target, list) and len(target) == 2\n"
                        + "assert np.array_equal(target[0], [1.0, 2.0]) and target[1].dtype == np.int64 and list(target[1]) == [1, 2, 3]",
                "from scicode.compare.cmp import are_dicts_close\n"
                        + "assert list(target) == [0.5, 'k', 'name'], list(target)\n"
                        + "assert are_dicts_close(target, {0.5: np.array([1.0]), 'k': np.array([[1, 2], [3, 4]]), 'name': 'abc'})\n"
                        + "assert not are_dicts_close(target, {0.5: np.array([1.5]), 'k': np.array([[1, 2], [3, 4]]), 'name': 'abc'})"),
                concat(targets.expressions("1.1", 3), targets.expressions("1.2", 3)));
        ExecutionResult run = runPython(program);
        assertThat(run.ok()).as(run.outcome() + ": " + run.stderr()).isTrue();
    }

    @Test
    void aWrongAnswerFailsItsTest() throws IOException {
        String program = SciCodeProgram.assemble("import numpy as np\n", "def f():\n    return np.array([0.5, 1.5, 2.0])\n",
                List.of("assert np.allclose(f(), target)"), targets().expressions("1.1", 1));
        ExecutionResult run = runPython(program);
        assertThat(run.outcome()).isEqualTo(ExecutionResult.Outcome.RUNTIME_ERROR);
        assertThat(run.stderr()).contains("AssertionError");
    }

    @Test
    void sparseMatricesAreRebuiltWithScipy() throws IOException {
        SciCodeTargets targets = targets();
        assertThat(targets.expressions("2.1", 2).getFirst()).startsWith("_n4j_sparse('csr', tuple(_n4j_array('<i8', (2,), ");
        assertThat(targets.expressions("2.1", 2).get(1)).startsWith("_n4j_sparse('coo', ");
        String program = "import scipy.sparse\n" + SciCodeProgram.assemble("import numpy as np\n", "", List.of(
                "assert np.array_equal(target.toarray(), [[1, 0, 2], [0, 3, 0]])",
                "assert isinstance(target, scipy.sparse.coo_matrix) and np.array_equal(target.toarray(), [[0, 0], [5, 0]])"),
                targets.expressions("2.1", 2));
        assumeTrue(runPython("import scipy.sparse").ok(), "scipy is not installed for python3");
        ExecutionResult run = runPython(program);
        assertThat(run.ok()).as(run.outcome() + ": " + run.stderr()).isTrue();
    }

    @Test
    void aMissingTargetOrFileIsNamed() throws IOException {
        SciCodeTargets targets = targets();
        assertThatThrownBy(() -> targets.requireTargets("1.1", 4)).isInstanceOf(Hdf5FormatException.class)
                .hasMessage(targets.file() + ": no target for step 1.1 test 4 (no group 1.1/test4)");
        assertThatThrownBy(() -> targets.expressions("9.9", 1)).hasMessageContaining(targets.file() + ", object /9.9: no such object");
        assertThatThrownBy(() -> SciCodeTargets.open(dir.resolve("none.h5"))).hasMessageContaining("none.h5 not found");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
