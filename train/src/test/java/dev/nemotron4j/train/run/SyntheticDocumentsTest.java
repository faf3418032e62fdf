package dev.nemotron4j.train.run;

import dev.nemotron4j.train.data.PackedSequence;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The built-in documents: packing, masks at document ends, and a restored position continuing identically. */
class SyntheticDocumentsTest {

    static String text(int[] doc) {
        byte[] b = new byte[doc.length - 1];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (doc[i] - 32);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void documentsAreSeededTextEndingInEos() {
        for (long i = 0; i < 50; i++) {
            int[] d = SyntheticDocuments.document(3, i);
            assertThat(d[d.length - 1]).isEqualTo(ByteLevelTokenizer.EOS);
            assertThat(text(d)).matches("(count( \\d+)+|copy [a-z]+ = [a-z]+|reverse [a-z]+ = [a-z]+|add \\d+\\+\\d+=\\d+|the [a-z ]+\\.)");
            assertThat(d).isEqualTo(SyntheticDocuments.document(3, i));
        }
        String sum = text(java.util.stream.LongStream.range(0, 200).mapToObj(i -> SyntheticDocuments.document(3, i))
                .filter(d -> text(d).startsWith("add")).findFirst().orElseThrow());
        String[] parts = sum.substring(4).split("[+=]");
        assertThat(Integer.parseInt(parts[0]) + Integer.parseInt(parts[1])).isEqualTo(Integer.parseInt(parts[2]));
        assertThat(SyntheticDocuments.document(3, 0)).isNotEqualTo(SyntheticDocuments.document(4, 0));
    }

    @Test
    void rowsPackDocumentsWithMasksAndStarts() {
        SyntheticDocuments data = new SyntheticDocuments(5);
        int[] d0 = SyntheticDocuments.document(5, 0), d1 = SyntheticDocuments.document(5, 1);
        PackedSequence row = data.next(d0.length + 3);
        assertThat(row.segmentStarts()).containsExactly(0, d0.length);
        assertThat(Arrays.copyOf(row.tokens(), d0.length)).isEqualTo(d0);
        assertThat(Arrays.copyOfRange(row.tokens(), d0.length, d0.length + 3)).isEqualTo(Arrays.copyOf(d1, 3));
        for (int t = 0; t < row.tokens().length; t++) {
            assertThat(row.targetMask()[t]).as("position %d", t).isEqualTo(t != d0.length - 1 && t != row.tokens().length - 1);
        }
        // the rest of document 1 starts the next row
        PackedSequence next = data.next(4);
        assertThat(next.tokens()).isEqualTo(Arrays.copyOfRange(d1, 3, 7));
        assertThat(next.segmentStarts()).containsExactly(0);
    }

    @Test
    void restoredPositionContinuesIdentically() {
        SyntheticDocuments a = new SyntheticDocuments(9);
        for (int i = 0; i < 7; i++) a.next(37);
        byte[] pos = a.position();
        SyntheticDocuments b = new SyntheticDocuments(9);
        b.restore(pos);
        for (int i = 0; i < 5; i++) {
            PackedSequence x = a.next(37), y = b.next(37);
            assertThat(y.tokens()).isEqualTo(x.tokens());
            assertThat(y.targetMask()).isEqualTo(x.targetMask());
            assertThat(y.segmentStarts()).isEqualTo(x.segmentStarts());
        }
        assertThatThrownBy(() -> b.restore(new byte[3])).hasMessageContaining("12 bytes");
    }
}
