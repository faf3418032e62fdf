package dev.nemotron4j.train.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Packs the documents of an {@link ExampleSource} into fixed-length rows ({@link TrainingData}).
 *
 * <p>Every document piece in a row is a segment of its own ({@link PackedSequence#segmentStarts()}): the model resets
 * its state there, so no document sees another. {@code targetMask[t]} is the document's target flag of the token at
 * t+1 when t+1 lies in the same segment, else false — the last position of a document (or of a row) never predicts
 * across the boundary. A document longer than a row is split into row-sized pieces, each its own segment.
 *
 * <p>{@link Packing#FILL} concatenates documents and cuts them wherever a row ends (no padding: pretraining).
 * {@link Packing#WHOLE} starts a document that does not fit in the rest of a row on the next row and pads the rest
 * with a padding segment (token {@code padId}, no targets), so a chat example keeps its prompt with its answer;
 * only documents longer than a row are split.
 *
 * <p>Position: the source's position before the current example, which of its documents is current, and how many
 * of that document's tokens are already packed. Restoring re-encodes that one example.
 */
public final class PackedTrainingData implements TrainingData {

    /** How documents are laid into rows. */
    public enum Packing {
        /** Concatenate; cut documents at row ends. */
        FILL,
        /** Keep each document in one row when it fits; pad the rest of the row. */
        WHOLE
    }

    private static final String KIND = "packed";

    private final ExampleSource source;
    private final ExampleEncoder encoder;
    private final Packing packing;
    private final int padId;

    /** The current example's documents (null before the first), its index among them, tokens of it already packed. */
    private List<TokenDocument> documents;
    private byte[] positionBeforeExample;
    private int documentIndex;
    private int offset;

    public PackedTrainingData(ExampleSource source, ExampleEncoder encoder, Packing packing, int padId) {
        this.source = Objects.requireNonNull(source, "source");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.packing = Objects.requireNonNull(packing, "packing");
        this.padId = padId;
    }

    /** Pads with the tokenizer's {@code <|im_end|>} (the Nemotron pad token), else id 0. */
    public PackedTrainingData(ExampleSource source, ExampleEncoder encoder, Packing packing) {
        this(source, encoder, packing, encoder.tokenizer().tokenToId(ReservedTokens.IM_END).orElse(0));
    }

    @Override
    public PackedSequence next(int length) {
        if (length < 2) throw new IllegalArgumentException("a row needs at least 2 tokens, got " + length);
        int[] tokens = new int[length];
        boolean[] mask = new boolean[length];
        int[] starts = new int[length];
        int segments = 0;
        int fill = 0;
        while (fill < length) {
            TokenDocument document = currentDocument();
            int remaining = document.length() - offset;
            int space = length - fill;
            if (packing == Packing.WHOLE && offset == 0 && fill > 0 && remaining > space) {
                Arrays.fill(tokens, fill, length, padId);
                starts[segments++] = fill;
                break;
            }
            int take = Math.min(remaining, space);
            System.arraycopy(document.tokens(), offset, tokens, fill, take);
            boolean[] targets = document.targets();
            for (int j = 0; j + 1 < take; j++) mask[fill + j] = targets[offset + j + 1];
            starts[segments++] = fill;
            fill += take;
            offset += take;
            if (offset == document.length()) {
                documentIndex++;
                offset = 0;
            }
        }
        return new PackedSequence(tokens, mask, Arrays.copyOf(starts, segments));
    }

    /** The document being packed, fetching and encoding the next example when the current one is used up. */
    private TokenDocument currentDocument() {
        int emptyExamples = 0;
        while (true) {
            if (documents != null && documentIndex < documents.size()) {
                TokenDocument document = documents.get(documentIndex);
                if (document.length() > 0) return document;
                documentIndex++;
                continue;
            }
            positionBeforeExample = source.position();
            documents = encoder.encode(source.next());
            documentIndex = 0;
            offset = 0;
            if (documents.isEmpty() && ++emptyExamples > 1000) {
                throw new IllegalStateException("1000 examples in a row encode to no tokens");
            }
        }
    }

    @Override
    public byte[] position() {
        return StreamPosition.write(KIND, out -> {
            out.writeBoolean(documents != null);
            if (documents == null) {
                StreamPosition.writeBytes(out, source.position());
            } else {
                StreamPosition.writeBytes(out, positionBeforeExample);
                out.writeInt(documentIndex);
                out.writeInt(offset);
            }
        });
    }

    @Override
    public void restore(byte[] position) {
        StreamPosition.read(position, KIND, in -> {
            boolean started = in.readBoolean();
            byte[] sourcePosition = StreamPosition.readBytes(in);
            if (!started) {
                source.restore(sourcePosition);
                documents = null;
                positionBeforeExample = null;
                documentIndex = 0;
                offset = 0;
                return null;
            }
            int index = in.readInt();
            int tokensDone = in.readInt();
            source.restore(sourcePosition);
            List<TokenDocument> restored = encoder.encode(source.next());
            if (index < 0 || index > restored.size()
                    || tokensDone < 0 || (index < restored.size() ? tokensDone >= restored.get(index).length() : tokensDone != 0)) {
                throw new IllegalArgumentException("the packed position (document " + index + ", offset " + tokensDone
                        + ") does not fit the example it points at: different data or tokenizer?");
            }
            positionBeforeExample = sourcePosition;
            documents = restored;
            documentIndex = index;
            offset = tokensDone;
            return null;
        });
    }
}
