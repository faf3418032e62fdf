package dev.nemotron4j.engine.kernels;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ggml's code books load whole and checked; a damaged copy fails loudly, naming the table. */
class LatticeGridsTest {

    private static String resource() throws IOException {
        try (InputStream in = LatticeGrids.class.getResourceAsStream("ggml-iquant-grids.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void tablesHaveGgmlsSizesAndStructure() {
        assertThat(LatticeGrids.IQ2XXS_GRID).hasSize(256);
        assertThat(LatticeGrids.IQ2XS_GRID).hasSize(512);
        assertThat(LatticeGrids.IQ2S_GRID).hasSize(1024);
        assertThat(LatticeGrids.IQ3XXS_GRID).hasSize(256);
        assertThat(LatticeGrids.IQ3S_GRID).hasSize(512);
        assertThat(LatticeGrids.IQ1S_GRID).hasSize(2048);
        // the sign table is the 7 stored bits completed to even parity by bit 7
        for (int i = 0; i < 128; i++) assertThat(LatticeGrids.KSIGNS_IQ2XS[i]).isEqualTo(i | (Integer.bitCount(i) & 1) << 7);
        // IQ2 magnitudes are 8, 25 and 43; IQ1 entries are −1, 0 or 1 per byte
        for (long[] grid : new long[][] {LatticeGrids.IQ2XXS_GRID, LatticeGrids.IQ2XS_GRID, LatticeGrids.IQ2S_GRID}) {
            for (long e : grid) for (int j = 0; j < 8; j++) assertThat((int) (e >>> 8 * j) & 0xFF).isIn(0x08, 0x19, 0x2B);
        }
        for (long e : LatticeGrids.IQ1S_GRID) for (int j = 0; j < 8; j++) assertThat((int) (byte) (e >>> 8 * j)).isBetween(-1, 1);
    }

    @Test
    void aDamagedTableIsRejected() throws IOException {
        String text = resource();
        int at = text.indexOf("= iq3s_grid");
        int digit = text.indexOf('\n', at) + 3; // a hex digit of the table's first value
        char c = text.charAt(digit);
        String damaged = text.substring(0, digit) + (c == '0' ? '1' : '0') + text.substring(digit + 1);
        assertThatThrownBy(() -> LatticeGrids.parse(damaged)).isInstanceOf(IllegalStateException.class).hasMessageContaining("iq3s_grid");
        String truncated = text.substring(0, text.lastIndexOf('\n', text.length() - 2) + 1); // last line of iq1s_grid gone
        assertThatThrownBy(() -> LatticeGrids.parse(truncated)).isInstanceOf(IllegalStateException.class).hasMessageContaining("iq1s_grid");
        assertThat(LatticeGrids.parse(text)).containsKeys("iq2xxs_grid", "iq1s_grid");
    }
}
