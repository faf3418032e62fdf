package dev.nemotron4j.tokenizer.model;

import java.util.Arrays;

/**
 * Min-heap of candidate merges ordered by (rank, position), the order in which BPE applies them; each entry also
 * carries the id the merge would produce, so stale entries can be recognised when popped.
 */
final class MergeQueue {

    private long[] order = new long[16];
    private int[] mergedIds = new int[16];
    private int size;

    void clear() {
        size = 0;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void push(int rank, int position, int mergedId) {
        if (size == order.length) {
            order = Arrays.copyOf(order, size * 2);
            mergedIds = Arrays.copyOf(mergedIds, size * 2);
        }
        long key = ((long) rank << 32) | position;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (order[parent] <= key) {
                break;
            }
            order[i] = order[parent];
            mergedIds[i] = mergedIds[parent];
            i = parent;
        }
        order[i] = key;
        mergedIds[i] = mergedId;
    }

    /** Position of the best entry (call before {@link #pop}). */
    int topPosition() {
        return (int) order[0];
    }

    int topMergedId() {
        return mergedIds[0];
    }

    void pop() {
        size--;
        if (size == 0) {
            return;
        }
        long key = order[size];
        int id = mergedIds[size];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && order[child + 1] < order[child]) {
                child++;
            }
            if (order[child] >= key) {
                break;
            }
            order[i] = order[child];
            mergedIds[i] = mergedIds[child];
            i = child;
        }
        order[i] = key;
        mergedIds[i] = id;
    }
}
