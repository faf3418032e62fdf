package dev.nemotron4j.eval.scicode;

import dev.nemotron4j.eval.hdf5.Hdf5Data;
import dev.nemotron4j.eval.hdf5.Hdf5Dataset;
import dev.nemotron4j.eval.hdf5.Hdf5Datatype;
import dev.nemotron4j.eval.hdf5.Hdf5File;
import dev.nemotron4j.eval.hdf5.Hdf5FormatException;
import dev.nemotron4j.eval.hdf5.Hdf5Group;
import dev.nemotron4j.eval.hdf5.Hdf5Object;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * SciCode's test targets, read from its {@code test_data.h5}: the target of test {@code n} of step {@code S} is the
 * group {@code S/test<n>}, read as SciCode's {@code process_hdf5_to_tuple} reads it, and rendered as a Python
 * expression that rebuilds the same value (numpy arrays and scalars bit for bit, strings, lists, tuples, dicts, scipy
 * sparse matrices) with the helpers of {@code support.py}.
 *
 * <p>The reading rules, SciCode's: a test group with one member is that member's value, with several the tuple of
 * their values in name order; a dataset holding a string scalar is decoded to {@code str}; a group is a list (its
 * first member named {@code list}), a sparse matrix ({@code sparse_matrix}: COO with {@code row}/{@code col}, BSR with
 * {@code blocksize}, else CSR) or a dict (a member that is a group is a sparse matrix, a string is decoded, other keys
 * become floats when they read as numbers).
 */
public final class SciCodeTargets {
    private final Path file;

    private SciCodeTargets(Path file) {
        this.file = file;
    }

    /** The targets file; an unreadable or non-HDF5 file is refused now. */
    public static SciCodeTargets open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("SciCode targets file " + file + " not found (SciCode's eval/data/test_data.h5)");
        }
        try (Hdf5File ignored = Hdf5File.open(file)) {
            return new SciCodeTargets(file);
        }
    }

    public Path file() { return file; }

    /** Checks that every test of {@code step} has its target group (so a wrong file fails before anything runs). */
    public void requireTargets(String step, int tests) {
        try (Hdf5File h5 = Hdf5File.open(file)) {
            for (int t = 1; t <= tests; t++) {
                String path = step + "/test" + t;
                if (!h5.exists(path)) throw new Hdf5FormatException(file + ": no target for step " + step + " test " + t + " (no group " + path + ")");
            }
        }
    }

    /** One Python expression per test, each rebuilding that test's target. */
    public List<String> expressions(String step, int tests) {
        List<String> out = new ArrayList<>(tests);
        try (Hdf5File h5 = Hdf5File.open(file)) {
            for (int t = 1; t <= tests; t++) {
                Hdf5Object test = h5.get(step + "/test" + t);
                if (!(test instanceof Hdf5Group group)) throw new Hdf5FormatException(h5.path() + ", object " + test.path() + ": a test target must be a group");
                List<String> names = group.names();
                if (names.size() == 1) {
                    out.add(member(group.get(names.getFirst())));
                } else {
                    List<String> parts = new ArrayList<>();
                    for (String name : names) parts.add(member(group.get(name)));
                    out.add("(" + String.join(", ", parts) + (parts.size() == 1 ? ",)" : ")"));
                }
            }
        }
        return out;
    }

    private String member(Hdf5Object o) {
        return o instanceof Hdf5Group g ? dataGroup(g) : dataset((Hdf5Dataset) o, true);
    }

    private String dataGroup(Hdf5Group g) {
        List<String> names = g.names();
        if (names.isEmpty()) return "None";
        return switch (names.getFirst()) {
            case "list" -> list(group(g.get("list")));
            case "sparse_matrix" -> sparse(group(g.get("sparse_matrix")));
            default -> dict(g);
        };
    }

    private Hdf5Group group(Hdf5Object o) {
        if (o instanceof Hdf5Group g) return g;
        throw new Hdf5FormatException(file + ", object " + o.path() + ": SciCode reads this as a group, but it is a dataset");
    }

    private String list(Hdf5Group g) {
        List<String> values = new ArrayList<>();
        for (String name : g.names()) {
            Hdf5Object o = g.get(name);
            if (!(o instanceof Hdf5Dataset d)) {
                throw new Hdf5FormatException(file + ", object " + o.path() + ": a list member that is a group (SciCode cannot read it either)");
            }
            values.add(dataset(d, false));
        }
        return "[" + String.join(", ", values) + "]";
    }

    private String dict(Hdf5Group g) {
        List<String> entries = new ArrayList<>();
        for (String name : g.names()) {
            Hdf5Object o = g.get(name);
            if (o instanceof Hdf5Group inner) {
                entries.add(pythonString(name) + ": " + sparse(group(inner.get("sparse_matrix"))));
            } else {
                Hdf5Dataset d = (Hdf5Dataset) o;
                boolean text = d.shape().length == 0 && isString(d.type());
                entries.add((text ? pythonString(name) : "_n4j_key(" + pythonString(name) + ")") + ": " + dataset(d, true));
            }
        }
        return "{" + String.join(", ", entries) + "}";
    }

    private String sparse(Hdf5Group g) {
        String data = dataset((Hdf5Dataset) g.get("data"), false);
        String shape = "tuple(" + dataset((Hdf5Dataset) g.get("shape"), false) + ")";
        if (g.has("row") && g.has("col")) {
            return "_n4j_sparse('coo', " + shape + ", " + data + ", " + dataset((Hdf5Dataset) g.get("row"), false) + ", "
                    + dataset((Hdf5Dataset) g.get("col"), false) + ")";
        }
        String indices = dataset((Hdf5Dataset) g.get("indices"), false);
        String indptr = dataset((Hdf5Dataset) g.get("indptr"), false);
        if (g.has("blocksize")) {
            return "_n4j_sparse('bsr', " + shape + ", " + data + ", " + indices + ", " + indptr + ", tuple("
                    + dataset((Hdf5Dataset) g.get("blocksize"), false) + "))";
        }
        return "_n4j_sparse('csr', " + shape + ", " + data + ", " + indices + ", " + indptr + ")";
    }

    private static boolean isString(Hdf5Datatype t) {
        return t instanceof Hdf5Datatype.FixedString || t instanceof Hdf5Datatype.VariableString;
    }

    /** A dataset's value as h5py's {@code dataset[()]} gives it; a string scalar decoded to str when {@code decode}. */
    private String dataset(Hdf5Dataset d, boolean decode) {
        Hdf5Data data = d.read();
        String shape = shape(data.shape());
        if (data.isString()) {
            List<String> items = new ArrayList<>();
            for (byte[] s : data.strings()) items.add("_n4j_bytes('" + Base64.getEncoder().encodeToString(s) + "')");
            if (data.isScalar()) {
                byte[] only = data.strings().getFirst();
                return decode ? "_n4j_text('" + Base64.getEncoder().encodeToString(only) + "')" : items.getFirst();
            }
            String dtype = data.type() instanceof Hdf5Datatype.FixedString f ? "'S" + f.size() + "'" : "object";
            return "_n4j_np.array([" + String.join(", ", items) + "], dtype=" + dtype + ").reshape(" + shape + ")";
        }
        String dtype = dtype(d, data.type());
        String bytes = Base64.getEncoder().encodeToString(data.data());
        return data.isScalar() ? "_n4j_scalar('" + dtype + "', '" + bytes + "')" : "_n4j_array('" + dtype + "', " + shape + ", '" + bytes + "')";
    }

    private String dtype(Hdf5Dataset d, Hdf5Datatype type) {
        return switch (type) {
            case Hdf5Datatype.FloatingPoint f -> "<f" + f.size();
            case Hdf5Datatype.FixedPoint x -> (x.signed() ? "<i" : "<u") + x.size();
            case Hdf5Datatype.Enumeration e when e.isBoolean() && e.size() == 1 -> "?";
            case Hdf5Datatype.Enumeration e -> (e.base().signed() ? "<i" : "<u") + e.size();
            case Hdf5Datatype.Compound c when Hdf5Datatype.isComplex(c) -> "<c" + c.size();
            default -> throw new Hdf5FormatException(file + ", object " + d.path() + ": a target of type " + type
                    + ", which this harness cannot rebuild in Python");
        };
    }

    private static String shape(long[] shape) {
        if (shape.length == 0) return "()";
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) s.append(i > 0 ? ", " : "").append(shape[i]);
        return s.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** A Python string literal (non-ASCII and control characters escaped). */
    static String pythonString(String s) {
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == '\'') out.append('\\').append(c);
            else if (c >= 0x20 && c < 0x7f) out.append(c);
            else out.append(String.format("\\u%04x", (int) c));
        }
        return out.append('\'').toString();
    }
}
