package dev.nemotron4j.tokenizer.model;

import java.util.Arrays;

/** A growable list of token ids without boxing. */
public final class IdBuffer {

    private int[] ids;
    private int size;

    public IdBuffer() {
        this(32);
    }

    public IdBuffer(int initialCapacity) {
        ids = new int[Math.max(4, initialCapacity)];
    }

    public void add(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
    }

    public void addAll(int[] more) {
        if (size + more.length > ids.length) {
            ids = Arrays.copyOf(ids, Math.max(size * 2, size + more.length));
        }
        System.arraycopy(more, 0, ids, size, more.length);
        size += more.length;
    }

    public int size() {
        return size;
    }

    public int get(int index) {
        return ids[index];
    }

    public int[] toArray() {
        return Arrays.copyOf(ids, size);
    }
}
