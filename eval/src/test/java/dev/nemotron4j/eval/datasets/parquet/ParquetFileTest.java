package dev.nemotron4j.eval.datasets.parquet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.json.CanonicalJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Parquet reader against fixtures pyarrow wrote (generate.py beside them), each with pyarrow's own reading as
 * the expected JSON: every encoding, codec, page version, optional column and list shape the reader supports; and
 * clear errors for what it does not support and for corrupt or truncated bytes.
 */
public class ParquetFileTest {
    @TempDir Path dir;

    public static Path fixture(String name) {
        try {
            return Path.of(ParquetFileTest.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("missing test resource " + name, e);
        }
    }

    static List<String> expected(String name) throws Exception {
        return Files.readAllLines(fixture(name + ".expected.jsonl")).stream().map(l -> CanonicalJson.canonical(CanonicalJson.parse(l))).toList();
    }

    static List<String> canonical(List<ObjectNode> rows) {
        return rows.stream().map(CanonicalJson::canonical).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "scalars-plain-uncompressed",            // required columns, PLAIN, data page v1, no codec
            "scalars-optional-snappy-dictionary-v1", // optional columns with nulls, PLAIN_DICTIONARY, many small v1 pages, SNAPPY
            "scalars-optional-gzip-v2",              // RLE_DICTIONARY, data page v2, RLE booleans, GZIP
            "scalars-plain-snappy-v2",               // PLAIN in v2 pages behind SNAPPY
            "lists-snappy-v1",                       // null, empty and long lists with null elements; several row groups and pages
            "lists-uncompressed-v2",                 // the same lists in v2 pages, read in place from the mapped file
            "mmlu-pro-shaped"})                      // MMLU-Pro's schema as Hugging Face publishes it (pyarrow defaults)
    void readsWhatPyarrowReads(String name) throws Exception {
        List<String> rows = canonical(ParquetFile.readRows(fixture(name + ".parquet")));
        assertThat(rows).containsExactlyElementsOf(expected(name));
    }

    @Test
    void valuesKeepTheirTypesAndUnicode() {
        ObjectNode first = ParquetFile.readRows(fixture("scalars-plain-uncompressed.parquet")).get(1);
        assertThat(first.get("b").isBoolean()).isTrue();
        assertThat(first.get("i32").asInt()).isEqualTo(-100003);
        assertThat(first.get("i64").asLong()).isEqualTo(-1_000_000_000_000_000L + 7);
        assertThat(first.get("f32").asDouble()).isEqualTo((double) (0.1f * 1 - 0.25f), org.assertj.core.data.Offset.offset(1e-7));
        assertThat(first.get("s").asText()).isEqualTo("β-beta");
        assertThat(first.get("u32").asLong()).isEqualTo(4294967294L);
        assertThat(first.get("u64").bigIntegerValue()).hasToString("18446744073709551612");
        List<ObjectNode> lists = ParquetFile.readRows(fixture("lists-snappy-v1.parquet"));
        assertThat(lists.get(3).get("options").isNull()).isTrue();          // a null list
        assertThat(lists.get(1).get("options").size()).isZero();            // an empty list
        assertThat(lists.get(10).get("options").isNull()).isTrue();
        assertThat(lists.get(9).get("options").size()).isEqualTo(9);
        assertThat(lists.get(9).get("options").get(0).asText()).isEqualTo("opt 9.0 ☆");
        assertThat(lists.get(9).get("options").get(2).isNull()).isTrue();   // a null element
        assertThat(lists.get(1).get("options").isArray()).isTrue();
    }

    @Test
    void aColumnNullThroughoutIsAFewBytesOfLevelsForManyRows() {
        // 20000 nulls in a 51-byte chunk: the entry count is bounded by the rows, not by the chunk's size
        List<ObjectNode> rows = ParquetFile.readRows(fixture("all-null-column.parquet"));
        assertThat(rows).hasSize(20000);
        assertThat(rows).allSatisfy(r -> assertThat(r.get("n").isNull()).isTrue());
        assertThat(rows.stream().filter(r -> r.get("k").asBoolean()).count()).isEqualTo(6667);
        assertThat(rows.get(3).get("k").asBoolean()).isTrue();
        assertThat(rows.get(4).get("k").asBoolean()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "unsupported-zstd|column 'b' (row group 0): compression ZSTD is not supported (UNCOMPRESSED, SNAPPY, GZIP)",
            "unsupported-delta|column 'i64' (row group 0): encoding DELTA_BINARY_PACKED is not supported",
            "unsupported-struct|column 's': nested structs are not supported",
            "unsupported-list-of-lists|column 'll': lists of lists or of structs are not supported",
            "unsupported-binary|column 'bin': BYTE_ARRAY without a string annotation (binary data) is not supported"})
    void unsupportedFeaturesAreClearErrorsNamingFileAndColumn(String caseAndMessage) {
        String[] parts = caseAndMessage.split("\\|");
        Path file = fixture(parts[0] + ".parquet");
        assertThatThrownBy(() -> ParquetFile.readRows(file)).isInstanceOf(ParquetException.class)
                .hasMessageStartingWith(file.toString() + ": ").hasMessageContaining(parts[1]);
    }

    @Test
    void truncatedFilesAreClearErrors() throws Exception {
        byte[] bytes = Files.readAllBytes(fixture("mmlu-pro-shaped.parquet"));
        // cut anywhere: never a crash, always a ParquetException naming the file
        for (int cut : new int[] {0, 3, 11, bytes.length / 3, bytes.length / 2, bytes.length - 9, bytes.length - 1}) {
            Path file = dir.resolve("cut-" + cut + ".parquet");
            Files.write(file, Arrays.copyOf(bytes, cut));
            assertThatThrownBy(() -> ParquetFile.readRows(file)).as("cut at %d", cut).isInstanceOf(ParquetException.class)
                    .hasMessageStartingWith(file + ": ");
        }
        Path tooShort = dir.resolve("short.parquet");
        Files.write(tooShort, Arrays.copyOf(bytes, 11));
        assertThatThrownBy(() -> ParquetFile.readRows(tooShort)).hasMessageContaining("too short");
        Path noTail = dir.resolve("no-tail.parquet");
        Files.write(noTail, Arrays.copyOf(bytes, bytes.length - 1));
        assertThatThrownBy(() -> ParquetFile.readRows(noTail)).hasMessageContaining("no PAR1 magic at its end");
    }

    @Test
    void aFileWhoseDataWasCutOutKeepingTheFooterIsAClearError() throws Exception {
        byte[] bytes = Files.readAllBytes(fixture("lists-snappy-v1.parquet"));
        int footer = footerLength(bytes);
        // drop 1 KiB of data pages but keep magic and footer: the chunks' offsets now point past the data
        byte[] cut = new byte[bytes.length - 1024];
        System.arraycopy(bytes, 0, cut, 0, bytes.length - 8 - footer - 1024);
        System.arraycopy(bytes, bytes.length - 8 - footer, cut, cut.length - 8 - footer, footer + 8);
        Path file = dir.resolve("holed.parquet");
        Files.write(file, cut);
        assertThatThrownBy(() -> ParquetFile.readRows(file)).isInstanceOf(ParquetException.class)
                .hasMessageStartingWith(file + ": ").hasMessageContaining("column '");
    }

    @Test
    void flippedBytesAnywhereNeverCrash() throws Exception {
        byte[] bytes = Files.readAllBytes(fixture("scalars-optional-snappy-dictionary-v1.parquet"));
        java.util.Random random = new java.util.Random(18);
        int errors = 0;
        for (int trial = 0; trial < 150; trial++) {
            byte[] corrupt = bytes.clone();
            int at = 4 + random.nextInt(bytes.length - 12);
            corrupt[at] ^= (byte) (1 + random.nextInt(255));
            try {
                ParquetFile.read(MemorySegment.ofArray(corrupt), "flipped");
            } catch (ParquetException e) {
                assertThat(e).hasMessageStartingWith("flipped: ");
                errors++;
            }
            // a flip inside a value (a string's byte, a number) can read fine: it is a different, still valid file
        }
        assertThat(errors).isPositive();
    }

    @Test
    void codecsAcceptAnEmptyValuesSectionLeftUncompressedAndRefuseWrongSizes() throws Exception {
        MemorySegment empty = MemorySegment.ofArray(new byte[0]);
        for (int codec : new int[] {0, 1, 2}) assertThat(ColumnChunkReader.decompress(codec, empty, 0).byteSize()).isZero();
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write("twelve bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        MemorySegment page = MemorySegment.ofArray(gz.toByteArray());
        assertThat(ColumnChunkReader.decompress(2, page, 12).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).asString().isEqualTo("twelve bytes");
        assertThatThrownBy(() -> ColumnChunkReader.decompress(2, page, 11)).hasMessageContaining("does not inflate to the 11 bytes");
        assertThatThrownBy(() -> ColumnChunkReader.decompress(2, page, 13)).hasMessageContaining("does not inflate to the 13 bytes");
        assertThatThrownBy(() -> ColumnChunkReader.decompress(0, page, 5)).hasMessageContaining("whose header says 5");
    }

    @Test
    void notParquetAtAll() throws Exception {
        Path file = dir.resolve("data.parquet");
        Files.writeString(file, "{\"question\": \"this is JSON, not Parquet\"}\n");
        assertThatThrownBy(() -> ParquetFile.readRows(file)).isInstanceOf(ParquetException.class).hasMessageContaining("no PAR1 magic at its start");
    }

    static int footerLength(byte[] bytes) {
        int n = bytes.length;
        return (bytes[n - 8] & 0xff) | (bytes[n - 7] & 0xff) << 8 | (bytes[n - 6] & 0xff) << 16 | (bytes[n - 5] & 0xff) << 24;
    }
}
