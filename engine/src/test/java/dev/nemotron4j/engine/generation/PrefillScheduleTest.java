package dev.nemotron4j.engine.generation;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a prompt may be split, saved and resumed without changing a bit (pieces of 64, scan chunks of 16). */
class PrefillScheduleTest {
    final PrefillSchedule s = new PrefillSchedule(64, 16);

    @Test
    void piecesStartEvery64AndChunksEvery16WithinThem() {
        assertThat(s.pieceStart(100)).isEqualTo(64);
        assertThat(s.pieceEnd(100, 1000)).isEqualTo(128);
        assertThat(s.pieceEnd(100, 110)).isEqualTo(110);
        assertThat(s.isChunkStart(80)).isTrue();
        assertThat(s.isChunkStart(81)).isFalse();
        // pieces of 24 with chunks of 16: chunks start at 0 and 16 of each piece, not at 32
        PrefillSchedule odd = new PrefillSchedule(24, 16);
        assertThat(odd.isChunkStart(40)).isTrue();
        assertThat(odd.isChunkStart(32)).isFalse();
    }

    @Test
    void splitsNeverLeaveAOneTokenPart() {
        assertThat(s.splitsExactly(80, 1000)).isTrue();
        assertThat(s.splitsExactly(81, 1000)).as("inside a chunk").isFalse();
        assertThat(s.splitsExactly(64, 1000)).as("a piece start is no split").isFalse();
        assertThat(s.splitsExactly(96, 97)).as("one token would remain").isFalse();
        assertThat(s.splitsExactly(96, 98)).isTrue();
    }

    @Test
    void resumePointsAndSavePoints() {
        assertThat(s.resumesExactly(64, 65)).as("a piece start, even with one token left").isTrue();
        assertThat(s.resumesExactly(80, 81)).as("a chunk start with one token left: recurrence vs chunk").isFalse();
        assertThat(s.resumesExactly(80, 82)).isTrue();
        assertThat(s.resumesExactly(85, 200)).isFalse();
        assertThat(s.resumesExactly(100, 100)).as("nothing left to prefill").isFalse();
        assertThat(s.savePoint(100, 1000)).isEqualTo(96);
        assertThat(s.savePoint(128, 1000)).isEqualTo(128);
        assertThat(s.savePoint(97, 97)).as("96 would leave one token").isEqualTo(80);
        assertThat(s.savePoint(70, 1000)).isEqualTo(64);
        assertThat(s.savePoint(10, 1000)).isZero();
    }
}
