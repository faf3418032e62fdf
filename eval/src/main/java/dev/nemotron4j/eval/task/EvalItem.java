package dev.nemotron4j.eval.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One dataset row ready for evaluation.
 *
 * @param id          stable identifier (dataset id field, else the 0-based line number)
 * @param index       position in the dataset (canonical order)
 * @param fields      the row as loaded (template variables)
 * @param expected    the reference answer, normalised for the task's scorer
 * @param choiceCount number of options for multiple choice, else 0
 */
public record EvalItem(String id, int index, ObjectNode fields, JsonNode expected, int choiceCount) {}
