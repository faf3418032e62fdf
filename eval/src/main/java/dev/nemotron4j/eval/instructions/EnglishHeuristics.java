package dev.nemotron4j.eval.instructions;

import java.util.Set;

/**
 * The three places where IFBench leans on trained or dictionary data that has no Java counterpart, replaced by
 * explicit rules (documented as approximations in docs/EVALUATION.md):
 * <ul>
 *   <li>{@link #isEmoji}: the {@code emoji} package's single-character test, by the Unicode Emoji property
 *       ({@link Character#isEmoji}) without the ASCII characters that only form keycaps (digits, {@code #}, {@code *});</li>
 *   <li>{@link #syllables}: {@code syllapy}'s count (a dictionary with a rule fallback), by vowel groups with the usual
 *       English corrections (silent final e, -le, -ed, -es);</li>
 *   <li>{@link #isVerb}: NLTK's perceptron tag {@code VB*} of a response's first token, by a list of common English verbs
 *       and verb endings.</li>
 * </ul>
 */
final class EnglishHeuristics {
    private EnglishHeuristics() {}

    static boolean isEmoji(int codePoint) {
        return codePoint >= 0x80 && Character.isEmoji(codePoint);
    }

    static int syllables(String word) {
        String w = PyText.lower(word).replaceAll("[^a-z]", "");
        if (w.isEmpty()) return 0;
        if (w.length() <= 3) return 1;
        String s = w;
        if (s.endsWith("le") && s.length() > 2 && !isVowel(s.charAt(s.length() - 3))) {
            s = s.substring(0, s.length() - 2) + "l";   // ta-ble: the -le is its own syllable, counted below
            int groups = vowelGroups(s.substring(0, s.length() - 1));
            return Math.max(1, groups + 1);
        }
        if (s.endsWith("es") || s.endsWith("ed")) {
            char before = s.charAt(s.length() - 3);
            boolean sounded = s.endsWith("ed") ? before == 't' || before == 'd'
                    : before == 's' || before == 'x' || before == 'z' || s.endsWith("ches") || s.endsWith("shes") || s.endsWith("ges") || s.endsWith("ces");
            if (!sounded) s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("e") && !s.endsWith("ee")) {
            s = s.substring(0, s.length() - 1);
        }
        return Math.max(1, vowelGroups(s));
    }

    private static int vowelGroups(String s) {
        int groups = 0;
        boolean previous = false;
        for (int i = 0; i < s.length(); i++) {
            boolean vowel = isVowel(s.charAt(i)) || (s.charAt(i) == 'y' && i > 0);
            if (vowel && !previous) groups++;
            previous = vowel;
        }
        return groups;
    }

    private static boolean isVowel(char c) {
        return "aeiou".indexOf(c) >= 0;
    }

    private static final Set<String> VERBS = Set.copyOf(java.util.List.of("be", "is", "are", "was", "were", "am", "been", "being", "have", "has", "had",
            "do", "does", "did", "go", "goes", "went", "make", "makes", "made", "take", "takes", "took", "get", "gets", "got", "give",
            "gives", "gave", "see", "sees", "saw", "know", "knows", "knew", "think", "thinks", "thought", "say", "says", "said", "come",
            "comes", "came", "find", "finds", "found", "tell", "tells", "told", "ask", "asks", "use", "uses", "try", "tries", "keep",
            "keeps", "let", "lets", "put", "puts", "run", "runs", "bring", "brings", "write", "writes", "wrote", "read", "reads",
            "imagine", "consider", "start", "begin", "begins", "stop", "follow", "remember", "note", "explore", "discover", "learn",
            "build", "create", "check", "prove", "solve", "calculate", "find", "add", "mix", "combine", "place", "choose", "pick", "look", "listen", "watch", "enjoy",
            "embrace", "picture", "envision", "visit", "travel", "walk", "eat", "drink", "cook", "bake", "prepare", "plan", "set",
            "open", "close", "turn", "move", "leave", "stay", "help", "need", "want", "like", "love", "feel", "seem", "become",
            "became", "show", "shows", "showed", "call", "calls", "work", "works", "play", "plays", "believe", "believes", "hold",
            "holds", "stand", "understand", "understands", "include", "includes", "continue", "provide", "provides", "ensure",
            "identify", "describe", "explain", "list", "write", "draw", "paint", "sing", "dance", "unlock", "unleash", "discuss",
            "compare", "analyze", "analyse", "review", "focus", "gather", "collect", "select", "remove", "cut", "heat", "serve",
            "wake", "rise", "stretch", "breathe", "relax", "grab", "join", "meet", "sit", "wait", "pay", "buy", "sell", "send",
            "share", "invest", "save", "spend", "apply", "follow", "seek", "design", "develop", "transform", "experience",
            "celebrate", "welcome", "meet", "introducing", "presenting", "dive", "delve", "step", "click", "get", "let's"));

    static boolean isVerb(String token) {
        String t = PyText.lower(token);
        if (VERBS.contains(t)) return true;
        if (t.length() > 4 && (t.endsWith("ing") || t.endsWith("ed"))) return true;
        return t.length() > 5 && (t.endsWith("ize") || t.endsWith("ise") || t.endsWith("ify") || t.endsWith("ate"));
    }
}
