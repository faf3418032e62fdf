package dev.nemotron4j.eval.datasets.parquet;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Snappy block decompressor: a block pyarrow's Snappy wrote, hand-made blocks for each element kind, corrupt blocks. */
class SnappyBlockTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }

    private static String decompress(byte[] block, int length) {
        return new String(SnappyBlock.decompress(MemorySegment.ofArray(block), length), StandardCharsets.ISO_8859_1);
    }

    @Test
    void decompressesWhatTheReferenceCompressorWrote() throws Exception {
        byte[] block = Files.readAllBytes(ParquetFileTest.fixture("text.snappy"));
        byte[] text = Files.readAllBytes(ParquetFileTest.fixture("text.txt"));
        assertThat(block.length).isLessThan(text.length / 3);   // really compressed: copies, not just literals
        assertThat(SnappyBlock.decompress(MemorySegment.ofArray(block), text.length)).isEqualTo(text);
    }

    @Test
    void eachElementKind() {
        // literal "abcd", then a 2-byte-offset copy (offset 4, length 8): overlapping, repeats the pattern
        assertThat(decompress(bytes(12, 3 << 2, 'a', 'b', 'c', 'd', (7 << 2) | 2, 4, 0), 12)).isEqualTo("abcdabcdabcd");
        // a 1-byte-offset copy: length 4 + 3 = 7, offset 1 (a run of the last byte)
        assertThat(decompress(bytes(9, 1 << 2, 'x', 'y', (3 << 2) | 1, 1), 9)).isEqualTo("xyyyyyyyy");
        // a 4-byte-offset copy: length 3, offset 2
        assertThat(decompress(bytes(5, 1 << 2, 'p', 'q', (2 << 2) | 3, 2, 0, 0, 0), 5)).isEqualTo("pqpqp");
        // a literal of 61 bytes: its length - 1 (60) in one byte after the tag (60 << 2)
        byte[] long61 = new byte[3 + 61];
        long61[0] = 61;
        long61[1] = (byte) (60 << 2);
        long61[2] = 60;
        for (int i = 0; i < 61; i++) long61[3 + i] = (byte) ('A' + i % 26);
        assertThat(decompress(long61, 61)).hasSize(61).startsWith("ABCDEFGHIJKLMNOPQRSTUVWXYZABC").endsWith("ABCDEFGHI");
        // a 300-byte literal: its length - 1 in two bytes (tag 61 << 2)
        byte[] long300 = new byte[2 + 1 + 2 + 300];
        long300[0] = (byte) (300 & 0x7f | 0x80);
        long300[1] = (byte) (300 >>> 7);
        long300[2] = (byte) (61 << 2);
        long300[3] = (byte) (299 & 0xff);
        long300[4] = (byte) (299 >>> 8);
        java.util.Arrays.fill(long300, 5, long300.length, (byte) 'z');
        assertThat(decompress(long300, 300)).isEqualTo("z".repeat(300));
        assertThat(decompress(bytes(0), 0)).isEmpty();
    }

    @Test
    void corruptBlocksAreErrors() {
        assertThatThrownBy(() -> decompress(bytes(5, 1 << 2, 'x', 'y'), 5)).hasMessageContaining("ends after 2 of 5");
        assertThatThrownBy(() -> decompress(bytes(4, 0, 'x', (3 << 2) | 1, 2), 4)).hasMessageContaining("offset 2");   // before the start
        assertThatThrownBy(() -> decompress(bytes(4, 0, 'x', (3 << 2) | 1, 0), 4)).hasMessageContaining("offset 0");
        assertThatThrownBy(() -> decompress(bytes(2, 3 << 2, 'a'), 2)).hasMessageContaining("overruns");
        assertThatThrownBy(() -> decompress(bytes(3, 0, 'a'), 4)).hasMessageContaining("the page header says 4");
        assertThatThrownBy(() -> decompress(bytes(0x80, 0x80), 0)).hasMessageContaining("Snappy");
        assertThatThrownBy(() -> decompress(bytes(4, 0, 'x', (3 << 2) | 2, 1), 4)).hasMessageContaining("copy cut off");
    }
}
