package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.task.TaskDefinition;

import java.util.List;
import java.util.Map;

/**
 * What writing a run's outputs needs to know of a task: its name (canonical order), repeats (pass@k) and plot
 * axis. Recorded in the lockfile, so shards can be merged without re-reading datasets or re-generating items.
 */
public record TaskShape(String name, int repeats, Map<String, Object> axis) {

    public TaskShape {
        axis = Map.copyOf(axis);
    }

    public static TaskShape of(TaskDefinition task) {
        return new TaskShape(task.name(), task.repeats(), task.axis());
    }

    public static List<TaskShape> of(List<TaskDefinition> tasks) {
        return tasks.stream().map(TaskShape::of).toList();
    }
}
