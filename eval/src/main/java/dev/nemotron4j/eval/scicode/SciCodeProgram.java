package dev.nemotron4j.eval.scicode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The program that tests one SciCode step, laid out as SciCode's test script lays it out: the dependencies and the
 * earlier steps' code, the step's code, then (when the targets come from SciCode's HDF5 file) the targets and, before
 * each test case, {@code target = targets[i]}; the step passes when the program exits normally.
 */
public final class SciCodeProgram {
    private static final String SUPPORT = load();

    private SciCodeProgram() {}

    /**
     * @param prefix  the dependencies and the earlier steps' code
     * @param code    this step's code
     * @param tests   the step's test cases
     * @param targets one Python expression per test ({@link SciCodeTargets#expressions}), or null when the tests are
     *                self-contained assertions
     */
    public static String assemble(String prefix, String code, List<String> tests, List<String> targets) {
        StringBuilder p = new StringBuilder(prefix).append("\n").append(code).append("\n\n");
        if (targets == null) {
            for (String test : tests) p.append(test).append("\n\n");
            return p.toString();
        }
        if (targets.size() != tests.size()) throw new IllegalArgumentException(tests.size() + " tests but " + targets.size() + " targets");
        p.append(SUPPORT).append("\ntargets = [\n");
        for (String t : targets) p.append("    ").append(t).append(",\n");
        p.append("]\n");
        for (int i = 0; i < tests.size(); i++) p.append("target = targets[").append(i).append("]\n\n").append(tests.get(i)).append("\n");
        return p.toString();
    }

    private static String load() {
        try (InputStream in = SciCodeProgram.class.getResourceAsStream("/dev/nemotron4j/eval/scicode/support.py")) {
            if (in == null) throw new IllegalStateException("support.py missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
