package dev.nemotron4j.eval.hdf5;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reads files written by h5py (make_fixtures.py beside the fixtures): the default format SciCode's targets use and
 * the "latest" one, every datatype and layout the reader supports, and clear refusals of what it does not.
 */
class Hdf5FileTest {
    @TempDir
    Path dir;

    private Path fixture(String name) throws IOException {
        Path out = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/dev/nemotron4j/eval/hdf5/" + name)) {
            Files.copy(in, out);
        }
        return out;
    }

    private static Hdf5Data read(Hdf5File f, String path) {
        return ((Hdf5Dataset) f.get(path)).read();
    }

    private static List<String> strings(Hdf5Data d) {
        List<String> out = new ArrayList<>();
        for (byte[] b : d.strings()) out.add(new String(b, StandardCharsets.UTF_8));
        return out;
    }

    @Test
    void readsTheDefaultFormatsNumbersInCOrder() throws IOException {
        try (Hdf5File f = Hdf5File.open(fixture("default.h5"))) {
            Hdf5Data floats = read(f, "floats");
            assertThat(floats.shape()).containsExactly(2, 3);
            assertThat(floats.type()).isEqualTo(new Hdf5Datatype.FloatingPoint(8, false));
            assertThat(floats.doubles()).containsExactly(0, 0.25, 0.5, 0.75, 1.0, 1.25);
            assertThat(read(f, "ints").doubles()).containsExactly(-3, 0, 7, Math.pow(2, 40));
            assertThat(read(f, "ints").type()).isEqualTo(new Hdf5Datatype.FixedPoint(8, true, false));
            Hdf5Data scalar = read(f, "/scalar");
            assertThat(scalar.isScalar()).isTrue();
            assertThat(scalar.doubles()).containsExactly(2.5);
            Hdf5Data u16 = read(f, "uint16");
            assertThat(u16.type()).isEqualTo(new Hdf5Datatype.FixedPoint(2, false, false));
            assertThat(u16.doubles()).containsExactly(1, 65535);
            Hdf5Data big = read(f, "big_endian");
            assertThat(big.type()).isEqualTo(new Hdf5Datatype.FloatingPoint(8, true));
            assertThat(big.doubles()).as("returned little-endian").containsExactly(1.5, -2.0);
            assertThat(read(f, "nested/deeper/value").doubles()).containsExactly(-12);
            assertThat(read(f, "empty").doubles()).as("never written: the fill value").containsExactly(0, 0, 0);
        }
    }

    @Test
    void readsStringsBooleansAndComplexNumbersAsH5pyWritesThem() throws IOException {
        try (Hdf5File f = Hdf5File.open(fixture("default.h5"))) {
            Hdf5Data text = read(f, "text");
            assertThat(text.type()).isInstanceOf(Hdf5Datatype.VariableString.class);
            assertThat(((Hdf5Datatype.VariableString) text.type()).utf8()).isTrue();
            assertThat(strings(text)).containsExactly("héllo");
            Hdf5Data fixed = read(f, "fixed");
            assertThat(fixed.type()).isEqualTo(new Hdf5Datatype.FixedString(4, false));
            assertThat(strings(fixed)).containsExactly("ab", "cde");
            Hdf5Data flag = read(f, "flag");
            assertThat(flag.type()).isInstanceOfSatisfying(Hdf5Datatype.Enumeration.class, e -> assertThat(e.isBoolean()).isTrue());
            assertThat(flag.data()).containsExactly(1);
            Hdf5Data complex = read(f, "complex");
            assertThat(Hdf5Datatype.isComplex(complex.type())).isTrue();
            double[] parts = new double[4];
            java.nio.ByteBuffer.wrap(complex.data()).order(java.nio.ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(parts);
            assertThat(parts).as("-0.5j is (-0.0, -0.5)").containsExactly(1, 2, -0.0, -0.5);
        }
    }

    @Test
    void readsChunkedDatasetsDeflatedAndShuffledWithPartialEdgeChunks() throws IOException {
        try (Hdf5File f = Hdf5File.open(fixture("default.h5"))) {
            Hdf5Data chunked = read(f, "chunked");
            assertThat(chunked.shape()).containsExactly(5, 7);
            double[] expected = new double[35];
            for (int i = 0; i < 35; i++) expected[i] = i;
            assertThat(chunked.doubles()).containsExactly(expected);
            assertThat(read(f, "chunked_plain").doubles()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        }
    }

    @Test
    void listsGroupMembersByNameAsH5pyDoes() throws IOException {
        try (Hdf5File f = Hdf5File.open(fixture("default.h5"))) {
            Hdf5Group many = (Hdf5Group) f.get("many");
            List<String> names = many.names();
            assertThat(names).hasSize(40).startsWith("m0", "m1", "m10", "m11").endsWith("m38", "m39", "m4", "m5", "m6", "m7", "m8", "m9");
            for (int i = 0; i < 40; i++) assertThat(read(f, "many/m" + i).doubles()).containsExactly(i);
            assertThat(f.root().names()).contains("big_endian", "chunked", "many", "nested", "text");
            assertThat(f.exists("nested/deeper")).isTrue();
            assertThat(f.exists("nested/missing")).isFalse();
        }
    }

    @Test
    void walksGroupAndChunkBTreesSeveralLevelsDeepBehindAUserBlock() throws IOException {
        try (Hdf5File f = Hdf5File.open(fixture("deep-btrees.h5"))) {   // B-tree nodes of levels 0 to 2; superblock at 512
            List<String> names = f.root().names();
            assertThat(names).hasSize(41).contains("chunked", "m0", "m39");
            for (int i = 0; i < 40; i++) assertThat(read(f, "m" + i).doubles()).containsExactly(i);
            double[] expected = new double[100];
            for (int i = 0; i < 100; i++) expected[i] = i;
            assertThat(read(f, "chunked").doubles()).containsExactly(expected);
        }
    }

    @Test
    void readsTheLatestFormatsLinkMessagesAndRefusesItsDenseGroupsAndChunkIndexes() throws IOException {
        Path file = fixture("latest.h5");
        try (Hdf5File f = Hdf5File.open(file)) {
            assertThat(read(f, "floats").doubles()).containsExactly(0.25, 0.5);
            assertThat(strings(read(f, "group/text"))).containsExactly("x");
            assertThatThrownBy(() -> read(f, "chunked")).isInstanceOf(Hdf5FormatException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("/chunked").hasMessageContaining("layout version 4");
            assertThatThrownBy(() -> f.get("dense")).isInstanceOf(Hdf5FormatException.class)
                    .hasMessageContaining(file + ", object /dense").hasMessageContaining("dense link storage");
        }
    }

    @Test
    void aMissingObjectIsNamedWithTheFileAndWhatTheGroupHolds() throws IOException {
        Path file = fixture("default.h5");
        try (Hdf5File f = Hdf5File.open(file)) {
            assertThatThrownBy(() -> f.get("nested/nope/x")).isInstanceOf(Hdf5FormatException.class)
                    .hasMessage(file + ", object /nested/nope: no such object (the group /nested holds [deeper])");
            assertThatThrownBy(() -> f.get("scalar/x")).hasMessageContaining("/scalar is a dataset, not a group");
        }
    }

    @Test
    void notHdf5AndTruncatedFilesAreRefusedNamingTheFile() throws IOException {
        Path text = dir.resolve("not.h5");
        Files.writeString(text, "just text, no signature anywhere".repeat(40));
        assertThatThrownBy(() -> Hdf5File.open(text)).isInstanceOf(Hdf5FormatException.class)
                .hasMessage(text + ": not an HDF5 file (no HDF5 signature at offset 0, 512, 1024, ...)");
        byte[] whole = Files.readAllBytes(fixture("default.h5"));
        Path cut = dir.resolve("cut.h5");
        Files.write(cut, Arrays.copyOf(whole, 2000));
        assertThatThrownBy(() -> {
            try (Hdf5File f = Hdf5File.open(cut)) {
                for (String name : f.root().names()) if (f.get(name) instanceof Hdf5Dataset d) d.read();
            }
        }).isInstanceOf(Hdf5FormatException.class).hasMessageContaining(cut.toString()).hasMessageContaining("truncated");
    }
}
