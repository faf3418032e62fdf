package dev.nemotron4j.train.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Packing with the tiny tokenizer. Texts of single digits are one byte token each (digit d is id 32 + '0' + d, a
 * space 64), framed by BOS 1 and EOS 2: "1" = [1 81 2], "2 3" = [1 82 64 83 2], "4 5 6 7" = [1 84 64 85 64 86 64 87 2].
 */
class PackedTrainingDataTest {

    private static final ExampleEncoder ENCODER = new ExampleEncoder(TestCorpus.tinyTokenizer());
    private static final List<String> TEXTS = List.of("1", "2 3", "4 5 6 7");

    private static PackedTrainingData packed(PackedTrainingData.Packing packing) {
        return new PackedTrainingData(ExampleSource.indexed(i -> new Example.Text(TEXTS.get((int) (i % 3))), 0),
                ENCODER, packing);
    }

    private static boolean[] mask(String pattern) {
        boolean[] out = new boolean[pattern.length()];
        for (int i = 0; i < out.length; i++) out[i] = pattern.charAt(i) == 'T';
        return out;
    }

    @Test
    void theDocumentsAreWhatTheHeaderSays() {
        assertThat(ENCODER.encode(new Example.Text("2 3")).getFirst().tokens()).containsExactly(1, 82, 64, 83, 2);
    }

    @Test
    void fillCutsDocumentsAtRowEndsAndNoPositionPredictsAcrossABoundary() {
        PackedTrainingData data = packed(PackedTrainingData.Packing.FILL);
        PackedSequence row1 = data.next(8);
        assertThat(row1.tokens()).containsExactly(1, 81, 2, 1, 82, 64, 83, 2);
        assertThat(row1.targetMask()).containsExactly(mask("TTFTTTTF"));
        assertThat(row1.segmentStarts()).containsExactly(0, 3);

        PackedSequence row2 = data.next(8); // the first 8 of "4 5 6 7"'s 9 tokens
        assertThat(row2.tokens()).containsExactly(1, 84, 64, 85, 64, 86, 64, 87);
        assertThat(row2.targetMask()).containsExactly(mask("TTTTTTTF"));
        assertThat(row2.segmentStarts()).containsExactly(0);

        PackedSequence row3 = data.next(8); // its EOS, then "1", then 4 of "2 3"
        assertThat(row3.tokens()).containsExactly(2, 1, 81, 2, 1, 82, 64, 83);
        assertThat(row3.targetMask()).containsExactly(mask("FTTFTTTF"));
        assertThat(row3.segmentStarts()).containsExactly(0, 1, 4);
    }

    @Test
    void wholeStartsADocumentThatDoesNotFitOnTheNextRowAndPads() {
        PackedTrainingData data = packed(PackedTrainingData.Packing.WHOLE);
        assertThat(data.next(8).tokens()).containsExactly(1, 81, 2, 1, 82, 64, 83, 2);
        PackedSequence split = data.next(8); // longer than a row: split
        assertThat(split.tokens()).containsExactly(1, 84, 64, 85, 64, 86, 64, 87);
        PackedSequence row3 = data.next(8);
        assertThat(row3.tokens()).containsExactly(2, 1, 81, 2, 11, 11, 11, 11);
        assertThat(row3.targetMask()).containsExactly(mask("FTTFFFFF"));
        assertThat(row3.segmentStarts()).containsExactly(0, 1, 4);
        PackedSequence row4 = data.next(8);
        assertThat(row4.tokens()).containsExactly(1, 82, 64, 83, 2, 11, 11, 11);
        assertThat(row4.targetMask()).containsExactly(mask("TTTTFFFF"));
        assertThat(row4.segmentStarts()).containsExactly(0, 5);
    }

    @Test
    void chatTargetsShiftOntoThePositionsThatPredictThem() {
        Example.Chat chat = Example.Chat.of(List.of(dev.nemotron4j.chat.ChatMessage.user("Hi"),
                dev.nemotron4j.chat.ChatMessage.assistant("Yo")), List.of(), dev.nemotron4j.chat.ChatRequestOptions.DEFAULTS);
        TokenDocument document = ENCODER.encode(chat).getFirst();
        PackedTrainingData data = new PackedTrainingData(ExampleSource.indexed(i -> chat, 0), ENCODER,
                PackedTrainingData.Packing.WHOLE);
        PackedSequence row = data.next(document.length() + 3);
        for (int t = 0; t + 1 < document.length(); t++) {
            assertThat(row.targetMask()[t]).as("position %d", t).isEqualTo(document.targets()[t + 1]);
        }
        assertThat(row.targetMask()[document.length() - 1]).isFalse();
        assertThat(row.segmentStarts()).containsExactly(0, document.length());
    }

    @Test
    void resumingFromAnyRowGivesTheSameRows() {
        for (PackedTrainingData.Packing packing : PackedTrainingData.Packing.values()) {
            for (int length : new int[] {4, 7, 16}) {
                PackedTrainingData data = packed(packing);
                List<byte[]> positions = new ArrayList<>();
                List<PackedSequence> rows = new ArrayList<>();
                positions.add(data.position());
                for (int i = 0; i < 12; i++) {
                    rows.add(data.next(length));
                    positions.add(data.position());
                }
                for (int k = 0; k < 12; k++) {
                    PackedTrainingData resumed = packed(packing);
                    resumed.restore(positions.get(k));
                    for (int i = k; i < 12; i++) {
                        PackedSequence expected = rows.get(i);
                        PackedSequence actual = resumed.next(length);
                        assertThat(actual.tokens()).as("%s %d from %d row %d", packing, length, k, i).isEqualTo(expected.tokens());
                        assertThat(actual.targetMask()).isEqualTo(expected.targetMask());
                        assertThat(actual.segmentStarts()).isEqualTo(expected.segmentStarts());
                    }
                }
            }
        }
    }

    @Test
    void aPositionOfAnotherKindIsRefused() {
        PackedTrainingData data = packed(PackedTrainingData.Packing.FILL);
        byte[] foreign = ExampleSource.indexed(i -> new Example.Text("x"), 0).position();
        assertThatThrownBy(() -> data.restore(foreign)).hasMessageContaining("indexed").hasMessageContaining("packed");
    }
}
