package dev.nemotron4j.train.run;

import dev.nemotron4j.train.data.PackedSequence;
import dev.nemotron4j.train.data.TrainingData;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Built-in seeded pretraining text, byte-level tokenized (no downloads, no tokenizer run): short documents that a
 * tiny model can visibly learn, each a function of (seed, document index) alone — counting ({@code count 17 18 19
 * 20}), copying ({@code copy kqzx = kqzx}), reversing, two-digit sums ({@code add 23+58=81}) and sentences from a
 * small grammar — each ending in {@code </s>}. Rows are packed from consecutive documents; a document that does
 * not fit continues in the next row as a new segment. The position is (document index, offset in it): 12 bytes.
 */
public final class SyntheticDocuments implements TrainingData {
    private static final String[] ADJECTIVES = {"red", "big", "small", "old", "quick", "quiet", "green", "happy"};
    private static final String[] NOUNS = {"cat", "dog", "bird", "fox", "child", "farmer", "robot", "horse"};
    private static final String[] VERBS = {"sees", "likes", "follows", "helps", "finds", "calls"};

    private final long seed;
    private long document;
    private int offset;
    private int[] current;

    public SyntheticDocuments(long seed) {
        this.seed = seed;
    }

    @Override
    public PackedSequence next(int length) {
        int[] tokens = new int[length];
        boolean[] mask = new boolean[length];
        List<Integer> starts = new ArrayList<>();
        int filled = 0;
        while (filled < length) {
            if (current == null) current = document(seed, document);
            int n = Math.min(length - filled, current.length - offset);
            System.arraycopy(current, offset, tokens, filled, n);
            starts.add(filled);
            for (int i = 0; i < n - 1; i++) mask[filled + i] = true;
            filled += n;
            offset += n;
            if (offset == current.length) {
                document++;
                offset = 0;
                current = null;
            }
        }
        return new PackedSequence(tokens, mask, starts.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public byte[] position() {
        return ByteBuffer.allocate(12).putLong(document).putInt(offset).array();
    }

    @Override
    public void restore(byte[] position) {
        if (position.length != 12) throw new IllegalArgumentException("synthetic data position must be 12 bytes, got " + position.length);
        ByteBuffer b = ByteBuffer.wrap(position);
        long doc = b.getLong();
        int off = b.getInt();
        int[] d = document(seed, doc);
        if (doc < 0 || off < 0 || off >= d.length) throw new IllegalArgumentException("synthetic data position (" + doc + ", " + off + ") is out of range");
        document = doc;
        offset = off;
        current = d;
    }

    /** Document {@code index} of the stream of {@code seed}: its byte tokens then {@code </s>}. */
    static int[] document(long seed, long index) {
        SplitMix rnd = new SplitMix(seed * 0x9E3779B97F4A7C15L + index);
        String text = switch (rnd.below(5)) {
            case 0 -> {
                int start = rnd.below(90), n = 4 + rnd.below(7);
                StringBuilder sb = new StringBuilder("count");
                for (int i = 0; i < n; i++) sb.append(' ').append(start + i);
                yield sb.toString();
            }
            case 1 -> {
                String w = word(rnd);
                yield "copy " + w + " = " + w;
            }
            case 2 -> {
                String w = word(rnd);
                yield "reverse " + w + " = " + new StringBuilder(w).reverse();
            }
            case 3 -> {
                int a = rnd.below(100), b = rnd.below(100);
                yield "add " + a + "+" + b + "=" + (a + b);
            }
            default -> "the " + pick(rnd, ADJECTIVES) + " " + pick(rnd, NOUNS) + " " + pick(rnd, VERBS) + " the "
                    + pick(rnd, ADJECTIVES) + " " + pick(rnd, NOUNS) + ".";
        };
        int[] bytes = ByteLevelTokenizer.encode(text);
        int[] doc = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        doc[bytes.length] = ByteLevelTokenizer.EOS;
        return doc;
    }

    private static String word(SplitMix rnd) {
        int n = 3 + rnd.below(4);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append((char) ('a' + rnd.below(26)));
        return sb.toString();
    }

    private static String pick(SplitMix rnd, String[] words) {
        return words[rnd.below(words.length)];
    }

    /** SplitMix64: a seedable generator whose whole state is one long. */
    static final class SplitMix {
        private long state;

        SplitMix(long seed) {
            this.state = seed;
        }

        long nextLong() {
            long z = (state += 0x9E3779B97F4A7C15L);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        int below(int bound) {
            return (int) Math.floorMod(nextLong(), (long) bound);
        }
    }
}
