package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.score.PairwiseVerdictScorer;
import dev.nemotron4j.eval.stats.Bootstrap;
import dev.nemotron4j.eval.stats.ClusteredMean;
import dev.nemotron4j.eval.stats.TokenTotals;
import dev.nemotron4j.eval.stats.Interval;
import dev.nemotron4j.eval.stats.MajorityVote;
import dev.nemotron4j.eval.stats.MeanEstimate;
import dev.nemotron4j.eval.stats.PassAtK;
import dev.nemotron4j.eval.stats.TaskMetrics;
import dev.nemotron4j.eval.stats.Wilson;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Computes {@link TaskMetrics} from a task's sample records. */
public final class MetricsCalculator {
    static final int BOOTSTRAP_RESAMPLES = 2000;

    private MetricsCalculator() {}

    public static TaskMetrics of(TaskShape task, List<SampleRecord> allRecords, long runSeed) {
        // a sample a judge could not give a verdict for has no score: it is counted (as an extraction miss), not averaged
        List<SampleRecord> records = allRecords.stream().filter(r -> !PairwiseVerdictScorer.unscored(r.details())).toList();
        Map<String, List<SampleRecord>> byItem = new LinkedHashMap<>();
        for (SampleRecord r : records) byItem.computeIfAbsent(r.itemId(), k -> new ArrayList<>()).add(r);
        int repeats = task.repeats();
        double[] itemMeans = new double[byItem.size()];
        double[][] clusters = new double[byItem.size()][];
        TokenTotals tokens = TokenTotals.ZERO;
        double[] all = new double[records.size()];
        boolean binary = true;
        long correct = 0;
        int misses = allRecords.size() - records.size(), a = 0, idx = 0;
        Map<String, Integer> sources = new TreeMap<>();
        double majority = 0;
        int[] correctPerItem = new int[byItem.size()];
        for (List<SampleRecord> samples : byItem.values()) {
            samples.sort(java.util.Comparator.comparingInt(SampleRecord::repeat));
            double sum = 0;
            List<String> answers = new ArrayList<>();
            clusters[idx] = new double[samples.size()];
            int j = 0;
            for (SampleRecord s : samples) {
                clusters[idx][j++] = s.score();
                for (StoredResponse r : s.responses()) {
                    if (r.usage() != null) tokens = tokens.plus(new TokenTotals(r.usage().promptTokens(), r.usage().completionTokens(), r.usage().reasoningTokens()));
                }
                sum += s.score();
                all[a++] = s.score();
                if (s.score() != 0 && s.score() != 1) binary = false;
                if (s.correct()) {
                    correct++;
                    correctPerItem[idx]++;
                }
                if (s.extracted() == null) misses++;
                sources.merge(s.answerSource(), 1, Integer::sum);
                answers.add(s.extracted());
            }
            itemMeans[idx] = sum / samples.size();
            int winner = MajorityVote.winner(answers);
            majority += winner < 0 ? 0 : samples.get(winner).score();
            idx++;
        }
        ClusteredMean clustered = ClusteredMean.of(clusters);
        MeanEstimate mean = new MeanEstimate(clustered.mean(), clustered.stderr(), clustered.samples());
        Interval wilson = !binary || all.length == 0 ? null : clustered.designEffect() == 1
                ? Wilson.interval95(correct, all.length)
                : Wilson.interval95((double) correct / all.length, clustered.effectiveSamples());
        long bootSeed = Long.parseLong(Sha256.hex("bootstrap|" + runSeed + "|" + task.name()).substring(0, 15), 16);
        Interval bootstrap = Bootstrap.meanInterval(itemMeans, BOOTSTRAP_RESAMPLES, bootSeed, 0.95);
        Map<String, Double> passAtK = new LinkedHashMap<>();
        for (int k = 1; k <= repeats; k = k * 2) passAtK.put("pass@" + k, passAt(k, repeats, correctPerItem, byItem));
        if (!passAtK.containsKey("pass@" + repeats)) passAtK.put("pass@" + repeats, passAt(repeats, repeats, correctPerItem, byItem));
        Double majAtK = repeats > 1 && !byItem.isEmpty() ? majority / byItem.size() : null;
        return new TaskMetrics(byItem.size(), repeats, mean, clustered.designEffect(), wilson, bootstrap, passAtK, majAtK, misses,
                sources, task.axis(), tokens, breakdown(allRecords, bootSeed));
    }

    /** Further metrics a task family defines: IFEval/IFBench accuracies, win rates, code tasks' accuracies, or corpus chrF and BLEU. */
    private static Map<String, Double> breakdown(List<SampleRecord> records, long seed) {
        Map<String, Double> instructions = InstructionAccuracies.of(records);
        if (instructions != null) return instructions;
        Map<String, Double> winRate = PairwiseWinRate.of(records, BOOTSTRAP_RESAMPLES, seed);
        if (winRate != null) return winRate;
        Map<String, Double> code = CodeTaskMetrics.of(records);
        return code != null ? code : CorpusTranslationMetrics.of(records);
    }

    private static double passAt(int k, int repeats, int[] correctPerItem, Map<String, List<SampleRecord>> byItem) {
        if (correctPerItem.length == 0) return 0;
        double sum = 0;
        int i = 0;
        for (List<SampleRecord> samples : byItem.values()) {
            int n = samples.size();
            sum += n >= k ? PassAtK.estimate(n, correctPerItem[i], k) : 0;
            i++;
        }
        return sum / correctPerItem.length;
    }
}
