package dev.kiln.train;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.PendingDownload;
import dev.kiln.data.MiniBatches;
import dev.kiln.optim.Optimizer;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training step of a fit on several devices. Each step the devices take the model's weights, compute forward
 * and backward passes on their slices of the batch at once (one thread per device, each holding its device's lock),
 * and hand their gradients to the host, which sums them in device order, each weighted by its slice's share of the
 * batch: for losses that average over the batch, the sum is the gradient of the whole batch. The model's own
 * optimizer applies it on the first device, and the next step starts every other device from those weights, so all
 * replicas hold the same bits whatever their backends. Running statistics (batch normalisation) are averaged the
 * same way, weighted by slice.
 */
final class ParallelStep implements StepRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ParallelStep.class);

    private final TrainableModel model;
    private final Optimizer optimizer;
    private final DeviceSplit split;
    private final List<Replica> replicas = new ArrayList<>();
    private final List<ExecutorService> threads = new ArrayList<>();
    private final TrainingContext context;
    private final boolean log;
    private double[] weights;
    private final double[] measuredSamples;
    private final double[] measuredSeconds;
    private int epochsStarted;
    private boolean firstStep = true;
    private int epoch;
    private int steps;
    private double stepSeconds;
    private double exchangeSeconds;

    private ParallelStep(TrainableModel model, Optimizer optimizer, DeviceSplit split, TrainingContext context,
                         boolean log, int devices) {
        this.model = model;
        this.optimizer = optimizer;
        this.split = split;
        this.context = context;
        this.log = log;
        this.weights = split.initialWeights(devices);
        this.measuredSamples = new double[devices];
        this.measuredSeconds = new double[devices];
    }

    /** Copies the model onto every device of {@code options} but the first, which must be the model's own. */
    static ParallelStep start(TrainableModel model, TrainingSetup setup, Objective objective, DataLayout layout,
                              MiniBatches batches, MetricTotals totals, FitOptions options, TrainingContext context) {
        List<Backend> devices = options.devices();
        if (devices.get(0) != model.backend()) {
            throw new KilnException("the first device of a fit on several devices must be the model's own backend ("
                    + model.backend().device().name() + ", " + model.backend().name() + "), got "
                    + devices.get(0).device().name() + " (" + devices.get(0).name() + ")");
        }
        List<String> summing = setup.lossesSummingOverBatch();
        if (!summing.isEmpty()) {
            throw new KilnException(summing.get(0) + " sums over the batch; training on several devices weights each"
                    + " device's gradient by its share of the batch, which needs losses that average over it"
                    + " (Reduction.MEAN)");
        }
        ParallelStep step = new ParallelStep(model, setup.optimizer(), options.split(), context, options.log(),
                devices.size());
        try {
            Replica primary = Replica.primary(model, objective, layout, batches, totals);
            step.replicas.add(primary);
            for (int k = 1; k < devices.size(); k++) {
                step.replicas.add(Replica.copyOf(primary, k, devices.get(k), setup));
                step.threads.add(DeviceThreads.single("kiln-device-" + k));
            }
        } catch (RuntimeException e) {
            step.close();
            throw e;
        }
        return step;
    }

    @Override
    public void startEpoch(int number) {
        this.epoch = number;
        epochsStarted++;
        replicas.forEach(r -> r.totals().reset());
        steps = 0;
        stepSeconds = 0;
        exchangeSeconds = 0;
    }

    @Override
    public PendingDownload run(MiniBatches batches, int index, Runnable afterGradients) {
        long start = System.nanoTime();
        long step = model.trainingSteps();
        model.trainingSteps(step + 1);
        int[] sizes = DeviceSplit.sizes(batches.batchSize(index), weights);
        Replica primary = replicas.get(0);
        double[][] snapshot = null;
        if (Arrays.stream(sizes, 1, sizes.length).anyMatch(s -> s > 0)) {
            List<Tensor> sent = new ArrayList<>(primary.trainable());
            sent.addAll(primary.state());
            snapshot = HostCopies.download(sent);
        }
        double snapshotSeconds = (System.nanoTime() - start) / 1e9;
        Replica.Result[] results = computeSlices(snapshot, index, sizes, step);
        long combining = System.nanoTime();
        double loss = combine(results, batches.batchSize(index));
        double combineSeconds = (System.nanoTime() - combining) / 1e9;
        afterGradients.run();
        optimizer.step(primary.trainable());
        measure(results);
        double exchange = snapshotSeconds + combineSeconds;
        double slowest = 0;
        for (Replica.Result r : results) {
            if (r != null) {
                slowest = Math.max(slowest, r.exchangeSeconds());
            }
        }
        steps++;
        exchangeSeconds += exchange + slowest;
        stepSeconds += (System.nanoTime() - start) / 1e9;
        return () -> new double[] {loss};
    }

    /** Runs every non-empty slice, the first on this thread, and waits for all; fails naming a failed device. */
    private Replica.Result[] computeSlices(double[][] snapshot, int index, int[] sizes, long step) {
        Replica.Result[] results = new Replica.Result[replicas.size()];
        List<Future<Replica.Result>> pending = new ArrayList<>();
        int offset = sizes[0];
        for (int k = 1; k < replicas.size(); k++) {
            Replica replica = replicas.get(k);
            int from = offset;
            int count = sizes[k];
            pending.add(count == 0 ? null
                    : threads.get(k - 1).submit(() -> replica.compute(snapshot, index, from, count, step)));
            offset += count;
        }
        RuntimeException failure = null;
        if (sizes[0] > 0) {
            try {
                results[0] = replicas.get(0).compute(null, index, 0, sizes[0], step);
            } catch (RuntimeException e) {
                failure = failed(replicas.get(0), index, e);
            }
        }
        for (int k = 1; k < replicas.size(); k++) {
            Future<Replica.Result> future = pending.get(k - 1);
            if (future == null) {
                continue;
            }
            try {
                results[k] = future.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = failed(replicas.get(k), index, e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KilnException("interrupted while device " + k + " computed its slice", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    private KilnException failed(Replica replica, int index, Throwable cause) {
        return new KilnException("device " + replica.index() + ", " + replica.label() + ", failed in epoch " + epoch
                + ", step " + (index + 1) + ": " + cause.getMessage() + "; training stopped before the step's"
                + " update, so the model keeps the weights of the step before", cause);
    }

    /**
     * Writes the gradients, summed in device order with each slice's share of the batch as its weight, into the
     * model's parameters, and the state averaged the same way; returns the batch's loss, averaged the same way.
     */
    private double combine(Replica.Result[] results, int batch) {
        Replica primary = replicas.get(0);
        double loss = 0;
        for (int i = 0; i < primary.trainable().size(); i++) {
            double[] sum = null;
            for (Replica.Result r : results) {
                if (r != null && r.gradients()[i] != null) {
                    sum = HostCopies.addScaled(sum, r.gradients()[i], (double) r.samples() / batch);
                }
            }
            if (sum == null) {
                primary.trainable().get(i).zeroGrad();
            } else {
                HostCopies.setGradient(primary.trainable().get(i), sum);
            }
        }
        double[][] state = new double[primary.state().size()][];
        for (int i = 0; i < state.length; i++) {
            state[i] = averagedState(results, i, batch);
        }
        HostCopies.upload(state, primary.state());
        for (Replica.Result r : results) {
            if (r != null) {
                loss += r.loss() * r.samples() / batch;
            }
        }
        return loss;
    }

    /** State weight {@code i} averaged over the devices by slice, or the common value when all agree. */
    private static double[] averagedState(Replica.Result[] results, int i, int batch) {
        double[] first = null;
        boolean same = true;
        double[] sum = null;
        for (Replica.Result r : results) {
            if (r == null) {
                continue;
            }
            double[] value = r.state()[i];
            if (first == null) {
                first = value;
            } else {
                same &= Arrays.equals(first, value);
            }
            sum = HostCopies.addScaled(sum, value, (double) r.samples() / batch);
        }
        return same ? first : sum;
    }

    /**
     * In the first epoch of a measured split, sets each device's weight to its samples per second of computing so
     * far; the fit's first step, which compiles kernels and fills pools, is left out.
     */
    private void measure(Replica.Result[] results) {
        if (!split.isMeasured() || epochsStarted > 1) {
            return;
        }
        if (firstStep) {
            firstStep = false;
            return;
        }
        for (int k = 0; k < results.length; k++) {
            if (results[k] != null) {
                measuredSamples[k] += results[k].samples();
                measuredSeconds[k] += results[k].computeSeconds();
            }
        }
        double[] next = weights.clone();
        for (int k = 0; k < next.length; k++) {
            if (measuredSeconds[k] > 0) {
                next[k] = measuredSamples[k] / measuredSeconds[k];
            }
        }
        weights = next;
    }

    @Override
    public Map<String, Double> metricMeans(int samples) {
        Replica primary = replicas.get(0);
        double[] sums = null;
        for (Replica r : replicas) {
            sums = HostCopies.addScaled(sums, r.totals().sums(), 1);
        }
        DeviceReport report = report();
        context.deviceReport(report);
        String line = String.format("epoch %d on %d devices: split weights %s; a step took %.1f ms on average, %.0f%%"
                        + " of it exchanging weights and gradients through the host", epoch, replicas.size(),
                Arrays.toString(Arrays.stream(weights).map(w -> Math.round(w * 100) / 100.0).toArray()),
                1000 * stepSeconds / Math.max(1, steps), 100 * report.exchangeShare());
        if (log) {
            LOG.info(line);
        } else {
            LOG.debug(line);
        }
        return primary.totals().means(sums, samples);
    }

    private DeviceReport report() {
        List<String> devices = replicas.stream().map(Replica::label).toList();
        List<Double> shown = Arrays.stream(weights).boxed().toList();
        return new DeviceReport(devices, shown, steps, stepSeconds, exchangeSeconds);
    }

    @Override
    public void close() {
        threads.forEach(ExecutorService::shutdownNow);
        RuntimeException failure = null;
        for (Replica r : replicas) {
            try {
                r.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
