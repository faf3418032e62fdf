package dev.nemotron4j.eval.datasets.parquet;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The RLE / bit-packing hybrid on the worked example of parquet-format's encodings specification and hand-made runs. */
class RleBitPackedHybridTest {

    private static int[] decode(int bitWidth, int count, int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) b[i] = (byte) bytes[i];
        int[] out = new int[count];
        RleBitPackedHybrid.decode(MemorySegment.ofArray(b), 0, b.length, bitWidth, out, 0, count, "test");
        return out;
    }

    @Test
    void bitPackedRunsAreLeastSignificantBitFirst() {
        // the specification's example: 0..7 at bit width 3 pack into 10001000 11000110 11111010; header (1 group << 1) | 1 = 3
        assertThat(decode(3, 8, 3, 0b10001000, 0b11000110, 0b11111010)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        // only the values asked for are taken from a padded group
        assertThat(decode(3, 5, 3, 0b10001000, 0b11000110, 0b11111010)).containsExactly(0, 1, 2, 3, 4);
        // bit width 12 spans bytes: values 0xABC, 0x123, then six zeros
        assertThat(decode(12, 2, 3, 0xBC, 0x3A, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0)).containsExactly(0xABC, 0x123);
    }

    @Test
    void repeatedRunsAndMixedRuns() {
        // 5 × 2 (header 5 << 1 = 10, one value byte), then a bit-packed group of 2-bit values 1,0,1,1,0,0,0,1 (two bytes)
        assertThat(decode(2, 13, 10, 2, 3, 0b01010001, 0b01000000)).containsExactly(2, 2, 2, 2, 2, 1, 0, 1, 1, 0, 0, 0, 1);
        // a 300-long run (varint header 600 = 0xD8 0x04), 16-bit value in two little-endian bytes
        int[] run = decode(16, 300, 0xD8, 0x04, 0x34, 0x12);
        assertThat(run).hasSize(300).containsOnly(0x1234);
        // bit width 0: every value is 0, no value bytes
        assertThat(decode(0, 4, 8)).containsExactly(0, 0, 0, 0);
    }

    @Test
    void shortOrCorruptDataIsAnError() {
        assertThatThrownBy(() -> decode(3, 9, 3, 0b10001000, 0b11000110, 0b11111010)).hasMessageContaining("ends after 8 of 9");
        assertThatThrownBy(() -> decode(3, 8, 3, 0b10001000)).hasMessageContaining("bit-packed run of 3 bytes");
        assertThatThrownBy(() -> decode(16, 2, 4, 0x34)).hasMessageContaining("cut off");
        assertThatThrownBy(() -> decode(33, 1, 2, 0)).hasMessageContaining("bit width 33");
        assertThat(RleBitPackedHybrid.bitWidth(0)).isZero();
        assertThat(RleBitPackedHybrid.bitWidth(1)).isEqualTo(1);
        assertThat(RleBitPackedHybrid.bitWidth(3)).isEqualTo(2);
        assertThat(RleBitPackedHybrid.bitWidth(4)).isEqualTo(3);
    }
}
