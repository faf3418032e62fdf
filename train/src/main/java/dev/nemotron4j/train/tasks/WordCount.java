package dev.nemotron4j.train.tasks;

import dev.nemotron4j.chat.python.PythonText;

/** Words as the instruction-following verifier counts them: runs of non-whitespace (Python's {@code len(s.split())}). */
public final class WordCount {

    private WordCount() {
    }

    /** The number of whitespace-separated words in {@code text}. */
    public static int of(String text) {
        int count = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = PythonText.isWhitespace(text.charAt(i));
            if (!space && !inWord) count++;
            inWord = !space;
        }
        return count;
    }
}
