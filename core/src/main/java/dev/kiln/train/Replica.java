package dev.kiln.train;

import dev.kiln.autograd.Autograd;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendLock;
import dev.kiln.data.Batch;
import dev.kiln.data.MiniBatches;
import dev.kiln.layer.ForwardContext;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The model as one device of a fit on several devices computes it: the model itself on the first device, a copy on
 * each other one. A step gives it the weights to start from and a slice of the batch; it returns the slice's loss
 * and gradients on the host, and keeps the slice's metric totals on its device.
 */
final class Replica implements AutoCloseable {
    private final int index;
    private final Backend device;
    private final TrainableModel model;
    private final boolean copy;
    private final Objective objective;
    private final DataLayout layout;
    private final MiniBatches batches;
    private final MetricTotals totals;
    private final List<Tensor> trainable;
    private final List<Tensor> state;
    private final long seed;

    /**
     * What a replica computed on its slice.
     *
     * @param loss the slice's total loss
     * @param samples the slice's size
     * @param gradients each trainable parameter's gradient, null for a parameter the loss does not reach
     * @param state each state weight (running statistics) after the slice's forward pass
     * @param computeSeconds the time of loading, forward and backward passes, until the device finished
     * @param exchangeSeconds the time of writing the weights in and reading the gradients and state out
     */
    record Result(double loss, int samples, double[][] gradients, double[][] state, double computeSeconds,
                  double exchangeSeconds) {
    }

    private Replica(int index, TrainableModel model, boolean copy, Objective objective, DataLayout layout,
                    MiniBatches batches, MetricTotals totals, List<Tensor> trainable, List<Tensor> state, long seed) {
        this.index = index;
        this.device = model.backend();
        this.model = model;
        this.copy = copy;
        this.objective = objective;
        this.layout = layout;
        this.batches = batches;
        this.totals = totals;
        this.trainable = trainable;
        this.state = state;
        this.seed = seed;
    }

    /** The model itself as device 0, with the trainer's totals and batches. */
    static Replica primary(TrainableModel model, Objective objective, DataLayout layout, MiniBatches batches,
                           MetricTotals totals) {
        return new Replica(0, model, false, objective, layout, batches, totals, model.trainableParameters(),
                model.stateWeights(), model.seed());
    }

    /**
     * A copy of {@code primary}'s model on {@code device} as device {@code index}, holding every weight of the
     * model; its dropout masks come from a stream of its own.
     */
    static Replica copyOf(Replica primary, int index, Backend device, TrainingSetup setup) {
        TrainableModel source = primary.model;
        TrainableModel replica = BackendLock.holding(device, () -> source.replicaOn(device));
        try {
            Map<String, Tensor> own = replica.namedWeights();
            List<Tensor> weights = new ArrayList<>();
            source.namedWeights().keySet().forEach(name -> weights.add(own.get(name)));
            double[][] values = HostCopies.download(new ArrayList<>(source.namedWeights().values()));
            BackendLock.holding(device, () -> {
                HostCopies.upload(values, weights);
                return null;
            });
            Objective objective = new Objective(replica, setup);
            MetricTotals totals = new MetricTotals(objective.quantities(), device, replica.dtype());
            return new Replica(index, replica, true, objective, primary.layout, primary.batches.onDevice(device),
                    totals, matching(source, source.trainableParameters(), own),
                    matching(source, primary.state, own), source.seed() + index * 0xD1B54A32D192ED03L);
        } catch (RuntimeException e) {
            replica.close();
            throw e;
        }
    }

    /** The tensors of {@code own} named as {@code tensors} are named in {@code source}, in the same order. */
    private static List<Tensor> matching(TrainableModel source, List<Tensor> tensors, Map<String, Tensor> own) {
        Map<String, Tensor> named = source.namedWeights();
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : tensors) {
            named.forEach((name, w) -> {
                if (w == t) {
                    out.add(own.get(name));
                }
            });
        }
        return out;
    }

    int index() {
        return index;
    }

    /** "name (backend)" of the device, for messages and reports; also once the device is closed. */
    String label() {
        return device.device().name() + " (" + device.name() + ")";
    }

    List<Tensor> trainable() {
        return trainable;
    }

    List<Tensor> state() {
        return state;
    }

    MetricTotals totals() {
        return totals;
    }

    /**
     * Training step {@code step} on samples [offset, offset + count) of batch {@code batch}, after writing
     * {@code weights} (trainable parameters, then state; null to keep its own) into the model; holds the device's
     * lock throughout.
     */
    Result compute(double[][] weights, int batch, int offset, int count, long step) {
        return BackendLock.holding(device, () -> {
            long start = System.nanoTime();
            if (weights != null) {
                HostCopies.upload(Arrays.copyOf(weights, trainable.size()), trainable);
                HostCopies.upload(Arrays.copyOfRange(weights, trainable.size(), weights.length), state);
            }
            long loaded = System.nanoTime();
            try (MemoryScope scope = MemoryScope.open()) {
                Batch slice = batches.load(batch, offset, count);
                List<Tensor> targets = layout.targets(slice);
                List<Tensor> predictions = model.forwardAll(layout.inputs(slice), ForwardContext.training(seed, step));
                Objective.Parts parts = objective.compute(predictions, targets);
                Autograd.gradients(parts.total(), trainable);
                objective.accumulate(totals, parts, predictions, targets, count);
                double loss = parts.total().item();
                long computed = System.nanoTime();
                double[][] gradients = new double[trainable.size()][];
                for (int i = 0; i < gradients.length; i++) {
                    Tensor p = trainable.get(i);
                    if (p.hasGradient()) {
                        gradients[i] = p.grad().toDoubleArray();
                        p.zeroGrad();
                    }
                }
                double[][] stateValues = HostCopies.download(state);
                long end = System.nanoTime();
                return new Result(loss, count, gradients, stateValues, (computed - loaded) / 1e9,
                        ((loaded - start) + (end - computed)) / 1e9);
            }
        });
    }

    /** Closes the copy of the model (the model itself stays the caller's) and the copy's totals. */
    @Override
    public void close() {
        if (copy) {
            totals.close();
            model.close();
        }
    }
}
