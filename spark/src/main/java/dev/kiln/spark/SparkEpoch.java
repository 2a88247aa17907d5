package dev.kiln.spark;

import java.util.Map;

/**
 * One epoch of a distributed fit, as the driver saw it.
 *
 * @param epoch the epoch's number, from 1
 * @param loss the mean loss over every task's samples
 * @param metrics each metric's mean over every task's samples
 * @param seconds the wall time of the epoch's successful try
 * @param attempts the tries the epoch took: more than 1 when a try failed and the epoch started again from the
 *                 last checkpoint
 */
public record SparkEpoch(int epoch, double loss, Map<String, Double> metrics, double seconds, int attempts) {
}
