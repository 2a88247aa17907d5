package dev.kiln.train;

import dev.kiln.loss.Loss;
import dev.kiln.metric.Metric;
import java.util.List;

/**
 * What training does with one model output.
 *
 * @param index the output's position among the model's outputs
 * @param name the output's name
 * @param prefix the prefix of its history keys: {@code name_} when the model has several outputs, else empty
 * @param loss its loss
 * @param weight the factor of its loss in the total
 * @param metrics its metrics
 */
record OutputHead(int index, String name, String prefix, Loss loss, double weight, List<Metric> metrics) {
}
