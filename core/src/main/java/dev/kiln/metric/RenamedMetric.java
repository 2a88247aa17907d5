package dev.kiln.metric;

import dev.kiln.KilnException;
import dev.kiln.tensor.Tensor;

/** Another metric reported under a different name (Keras reports every accuracy variant as "accuracy"). */
public record RenamedMetric(String name, Metric metric) implements Metric {

    public RenamedMetric {
        if (name == null || name.isBlank() || metric == null) {
            throw new KilnException("a renamed metric needs a non-blank name and a metric, got '" + name + "' and "
                    + metric);
        }
    }

    @Override
    public Tensor batchTotal(Tensor predictions, Tensor targets) {
        return metric.batchTotal(predictions, targets);
    }

    @Override
    public void addBatchTotal(Tensor total, Tensor predictions, Tensor targets) {
        metric.addBatchTotal(total, predictions, targets);
    }
}
