package dev.nemotron4j.eval.task;

import dev.nemotron4j.eval.config.EvalConfig.TaskConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A task's {@code params:} section read with types: each getter names the task and the key when a value has the
 * wrong type or range ({@code task ruler: params.lengths must be a list of integers 1..1048576, got [4k]}), so a typo
 * in a config is an error at the start of a run, never a {@code ClassCastException} in the middle of one.
 */
public final class TaskParams {

    private final String task;
    private final Map<String, Object> params;

    private TaskParams(String task, Map<String, Object> params) {
        this.task = task;
        this.params = params == null ? Map.of() : params;
    }

    /** The params of a configured task (none: every getter returns its default). */
    public static TaskParams of(TaskConfig task) {
        return new TaskParams(task.name(), task.params());
    }

    /** Whether {@code key} is set. */
    public boolean has(String key) {
        return params.get(key) != null;
    }

    /** An integer in [min, max], or {@code fallback} when absent. */
    public long integer(String key, long min, long max, long fallback) {
        Object value = params.get(key);
        if (value == null) return fallback;
        if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min || ((Number) value).longValue() > max) {
            throw error(key, "an integer " + min + ".." + max, value);
        }
        return ((Number) value).longValue();
    }

    /** An int in [min, max], or {@code fallback} when absent. */
    public int intValue(String key, int min, int max, int fallback) {
        return (int) integer(key, min, max, fallback);
    }

    /** true or false, or {@code fallback} when absent. */
    public boolean bool(String key, boolean fallback) {
        Object value = params.get(key);
        if (value == null) return fallback;
        if (!(value instanceof Boolean b)) throw error(key, "true or false", value);
        return b;
    }

    /** A string, or {@code fallback} when absent. */
    public String string(String key, String fallback) {
        Object value = params.get(key);
        if (value == null) return fallback;
        if (!(value instanceof String s)) throw error(key, "a string", value);
        return s;
    }

    /** A non-empty list of integers in [min, max], or {@code fallback} when absent. */
    public List<Integer> integers(String key, int min, int max, List<Integer> fallback) {
        Object value = params.get(key);
        if (value == null) return fallback;
        String wanted = "a non-empty list of integers " + min + ".." + max;
        if (!(value instanceof List<?> list) || list.isEmpty()) throw error(key, wanted, value);
        List<Integer> out = new ArrayList<>(list.size());
        for (Object element : list) {
            if (!(element instanceof Integer i) || i < min || i > max) throw error(key, wanted, value);
            out.add(i);
        }
        return List.copyOf(out);
    }

    /** A non-empty list of strings, or {@code fallback} when absent. */
    public List<String> strings(String key, List<String> fallback) {
        Object value = params.get(key);
        if (value == null) return fallback;
        if (!(value instanceof List<?> list) || list.isEmpty() || !list.stream().allMatch(String.class::isInstance)) {
            throw error(key, "a non-empty list of strings", value);
        }
        return list.stream().map(String.class::cast).toList();
    }

    private IllegalArgumentException error(String key, String wanted, Object got) {
        return new IllegalArgumentException("task " + task + ": params." + key + " must be " + wanted + ", got " + got);
    }
}
