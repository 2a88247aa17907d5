package dev.kiln.train;

import dev.kiln.KilnException;
import dev.kiln.loss.Loss;
import dev.kiln.loss.PerSampleLoss;
import dev.kiln.loss.Reduction;
import dev.kiln.metric.Metric;
import dev.kiln.optim.Optimizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a model was compiled with: the optimizer, a loss per output (one loss for every output, or a loss per output
 * name), optional {@link LossWeights}, and metrics (for every output, or per output name). Output names are the
 * names of the layers producing the outputs; they are matched against the model when training starts.
 */
public final class TrainingSetup {
    private final Optimizer optimizer;
    private final Loss sharedLoss;
    private final Map<String, Loss> losses;
    private final LossWeights weights;
    private final List<Metric> sharedMetrics;
    private final Map<String, List<Metric>> metrics;

    private TrainingSetup(Builder b) {
        if (b.optimizer == null) {
            throw new KilnException("compile needs an optimizer");
        }
        if (b.sharedLoss == null && b.losses.isEmpty()) {
            throw new KilnException("compile needs a loss (or a loss per output)");
        }
        if (b.sharedLoss != null && !b.losses.isEmpty()) {
            throw new KilnException("give one loss for every output or a loss per output name, not both");
        }
        if (!b.sharedMetrics.isEmpty() && !b.metrics.isEmpty()) {
            throw new KilnException("give metrics for every output or metrics per output name, not both");
        }
        this.optimizer = b.optimizer;
        this.sharedLoss = b.sharedLoss;
        this.losses = Collections.unmodifiableMap(new LinkedHashMap<>(b.losses));
        this.weights = b.weights;
        this.sharedMetrics = List.copyOf(b.sharedMetrics);
        Map<String, List<Metric>> m = new LinkedHashMap<>();
        b.metrics.forEach((k, v) -> m.put(k, List.copyOf(v)));
        this.metrics = Collections.unmodifiableMap(m);
        checkMetricNames(sharedMetrics, "");
        metrics.forEach((output, list) -> checkMetricNames(list, " of output '" + output + "'"));
    }

    /** One loss and optimizer, with metrics for every output: what {@code compile(loss, optimizer, metrics...)} makes. */
    public TrainingSetup(Loss loss, Optimizer optimizer, List<Metric> metrics) {
        this(builder(optimizer).loss(loss).metrics(metrics.toArray(Metric[]::new)));
    }

    private static void checkMetricNames(List<Metric> list, String where) {
        Set<String> names = new HashSet<>();
        names.add("loss");
        for (Metric m : list) {
            if (!names.add(m.name())) {
                throw new KilnException("metric name '" + m.name() + "'" + where
                        + " is used twice (or clashes with 'loss')");
            }
        }
    }

    /** A builder of a setup with {@code optimizer}. */
    public static Builder builder(Optimizer optimizer) {
        return new Builder(optimizer);
    }

    /** The optimizer; owned by the model from compile on. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The loss every output shares; fails when the setup has a loss per output. */
    public Loss loss() {
        if (sharedLoss == null) {
            throw new KilnException("the model was compiled with a loss per output: " + losses.keySet());
        }
        return sharedLoss;
    }

    /** The losses by output name; empty when one loss serves every output. */
    public Map<String, Loss> losses() {
        return losses;
    }

    /** The loss weights. */
    public LossWeights lossWeights() {
        return weights;
    }

    /** The metrics every output reports; empty when metrics are given per output. */
    public List<Metric> metrics() {
        return sharedMetrics;
    }

    /** The metrics by output name; empty when the same metrics serve every output. */
    public Map<String, List<Metric>> metricsByOutput() {
        return metrics;
    }

    /**
     * The losses that sum over the batch ({@link Reduction#SUM}) instead of averaging, each as "the loss" or "the
     * loss of output 'name'": training that splits a batch and weights each part by its share needs none.
     */
    public List<String> lossesSummingOverBatch() {
        Map<String, Loss> all = sharedLoss != null ? Map.of("", sharedLoss) : losses;
        List<String> summing = new ArrayList<>();
        all.forEach((output, loss) -> {
            if (loss instanceof PerSampleLoss p && p.reduction() == Reduction.SUM) {
                summing.add(output.isEmpty() ? "the loss" : "the loss of output '" + output + "'");
            }
        });
        return summing;
    }

    /** The loss, weight and metrics of each output named in {@code outputs}, in that order. */
    List<OutputHead> heads(List<String> outputs) {
        boolean several = outputs.size() > 1;
        if (several && new HashSet<>(outputs).size() != outputs.size()) {
            throw new KilnException("the model's outputs " + outputs + " do not have distinct names; each output"
                    + " needs a layer of its own name to be trained");
        }
        for (String name : losses.keySet()) {
            if (!outputs.contains(name)) {
                throw new KilnException("loss for '" + name + "', which is not an output of the model; its outputs"
                        + " are " + outputs);
            }
        }
        for (String name : metrics.keySet()) {
            if (!outputs.contains(name)) {
                throw new KilnException("metrics for '" + name + "', which is not an output of the model; its"
                        + " outputs are " + outputs);
            }
        }
        List<Double> w = weights.resolve(outputs);
        List<OutputHead> heads = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            String name = outputs.get(i);
            Loss loss = sharedLoss != null ? sharedLoss : losses.get(name);
            if (loss == null) {
                throw new KilnException("no loss for output '" + name + "'; compile with a loss for each of "
                        + outputs);
            }
            List<Metric> own = metrics.isEmpty() ? sharedMetrics : metrics.getOrDefault(name, List.of());
            heads.add(new OutputHead(i, name, several ? name + "_" : "", loss, w.get(i), own));
        }
        return heads;
    }

    /** Builds a {@link TrainingSetup}. */
    public static final class Builder {
        private final Optimizer optimizer;
        private Loss sharedLoss;
        private final Map<String, Loss> losses = new LinkedHashMap<>();
        private LossWeights weights = LossWeights.none();
        private final List<Metric> sharedMetrics = new ArrayList<>();
        private final Map<String, List<Metric>> metrics = new LinkedHashMap<>();

        private Builder(Optimizer optimizer) {
            this.optimizer = optimizer;
        }

        /** One loss for every output (the only one of a single-output model). */
        public Builder loss(Loss loss) {
            if (loss == null) {
                throw new KilnException("compile needs a loss and an optimizer");
            }
            this.sharedLoss = loss;
            return this;
        }

        /** The loss of output {@code output} (the name of the layer producing it). */
        public Builder loss(String output, Loss loss) {
            if (output == null || loss == null) {
                throw new KilnException("a loss per output needs an output name and a loss, got '" + output + "' and "
                        + loss);
            }
            if (losses.put(output, loss) != null) {
                throw new KilnException("two losses for output '" + output + "'");
            }
            return this;
        }

        /** The losses by output name. */
        public Builder losses(Map<String, Loss> byOutput) {
            byOutput.forEach(this::loss);
            return this;
        }

        /** How much each output's loss counts in the total (1 each by default). */
        public Builder lossWeights(LossWeights value) {
            this.weights = value == null ? LossWeights.none() : value;
            return this;
        }

        /** Metrics reported for every output. */
        public Builder metrics(Metric... values) {
            sharedMetrics.addAll(List.of(values));
            return this;
        }

        /** Metrics reported for output {@code output}, under {@code output_metric} keys. */
        public Builder metrics(String output, Metric... values) {
            metrics.computeIfAbsent(output, k -> new ArrayList<>()).addAll(List.of(values));
            return this;
        }

        /** The metrics by output name. */
        public Builder metrics(Map<String, List<Metric>> byOutput) {
            byOutput.forEach((output, list) -> metrics(output, list.toArray(Metric[]::new)));
            return this;
        }

        /** The setup; fails on a missing loss or optimizer, or metric names used twice. */
        public TrainingSetup build() {
            return new TrainingSetup(this);
        }
    }
}
