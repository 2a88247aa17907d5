package dev.kiln.train;

import dev.kiln.KilnException;
import dev.kiln.backend.BackendLock;
import dev.kiln.backend.PendingDownload;
import dev.kiln.data.Dataset;
import dev.kiln.data.MiniBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The epoch loop of {@code fit}: validation of the data, then epochs of steps, validation and callbacks. It holds the
 * backend's lock throughout, and hands it to waiting callers between steps.
 */
public final class Trainer {
    private final TrainableModel model;
    private final TrainingSetup setup;
    private final FitOptions options;
    private final List<Callback> callbacks = new ArrayList<>();
    private final List<EpochResult> epochs = new ArrayList<>();
    private final TrainingContext context;

    private Trainer(TrainableModel model, TrainingSetup setup, FitOptions options) {
        this.model = model;
        this.setup = setup;
        this.options = options;
        this.callbacks.addAll(options.callbacks());
        if (options.log()) {
            callbacks.add(new EpochLogger());
        }
        this.epochs.addAll(options.priorEpochs());
        this.context = new TrainingContext(model, setup.optimizer(), options, epochs);
    }

    /** Trains {@code model} on {@code data}; returns the history, also when training stops early. */
    public static History fit(TrainableModel model, TrainingSetup setup, Dataset data, FitOptions options) {
        return new Trainer(model, setup, options).run(data);
    }

    private History run(Dataset data) {
        return BackendLock.holding(model.backend(), () -> train(data));
    }

    private History train(Dataset data) {
        if (data.size() == 0) {
            throw new KilnException("training data has no samples");
        }
        buildFor(model, data);
        int trainCount = trainCount(data.size());
        Objective objective = new Objective(model, setup);
        DataLayout layout = DataValidation.check(model, objective, data, "training data", options.checkFinite());
        Dataset validation = options.validationData();
        DataLayout heldLayout = layout;
        if (validation != null) {
            heldLayout = DataValidation.check(model, objective, validation, "validation data", options.checkFinite());
        }
        MiniBatches train = batches(data, 0, trainCount, layout, objective);
        MiniBatches held = null;
        if (validation != null) {
            held = batches(validation, 0, validation.size(), heldLayout, objective);
        } else if (trainCount < data.size()) {
            held = batches(data, trainCount, data.size(), layout, objective);
        }
        context.stepsPerEpoch(train.batchCount());
        try (MetricTotals totals = new MetricTotals(objective.quantities(), model.backend(), model.dtype())) {
            callbacks.forEach(c -> c.onTrainBegin(context));
            try (StepRunner step = stepRunner(objective, layout, train, totals)) {
                loop(step, train, held == null ? null : new Held(objective, heldLayout, held), totals);
            } catch (RuntimeException e) {
                endTraining();
                throw e;
            }
            return endTraining();
        }
    }

    /** One device's steps, or, when the options list several devices, steps on a replica of the model on each. */
    private StepRunner stepRunner(Objective objective, DataLayout layout, MiniBatches train, MetricTotals totals) {
        if (options.devices().size() > 1) {
            return ParallelStep.start(model, setup, objective, layout, train, totals, options, context);
        }
        if (options.devices().size() == 1 && options.devices().get(0) != model.backend()) {
            throw new KilnException("the one device given is not the model's own backend ("
                    + model.backend().device().name() + ", " + model.backend().name() + "); a model trains on its"
                    + " own backend, with replicas on any further devices");
        }
        return new TrainStep(model, objective, setup.optimizer(), layout, totals);
    }

    /** Builds an unbuilt model for {@code data}: for its known input shapes, else for the data's feature shapes. */
    static void buildFor(TrainableModel model, Dataset data) {
        if (!model.isBuilt()) {
            model.build(model.hasShapes() ? model.inputShapes() : data.featureShapes());
        }
    }

    /** The held-out data of validation and how to read it. */
    private record Held(Objective objective, DataLayout layout, MiniBatches batches) {
    }

    private MiniBatches batches(Dataset data, int from, int to, DataLayout layout, Objective objective) {
        return new MiniBatches(data, from, to, options.batchSize(), model.backend(), model.dtype(),
                layout.labelTypes(objective, data, model.dtype()));
    }

    /** Keras semantics: the last {@code validationSplit} of the samples are held out. */
    private int trainCount(int size) {
        if (options.validationSplit() == 0) {
            return size;
        }
        int count = (int) (size * (1 - options.validationSplit()));
        if (count <= 0 || count >= size) {
            throw new KilnException("validation split " + options.validationSplit() + " of " + size
                    + " samples leaves " + count + " for training and " + (size - count) + " for validation;"
                    + " both need at least one");
        }
        return count;
    }

    private void loop(StepRunner step, MiniBatches train, Held held, MetricTotals totals) {
        DeviceUsageLog usage = new DeviceUsageLog(model.backend());
        for (int epoch = options.initialEpoch() + 1; epoch <= options.epochs() && !context.stopRequested(); epoch++) {
            int current = epoch;
            callbacks.forEach(c -> c.onEpochBegin(current, context));
            EpochResult result = runEpoch(epoch, step, train, held, totals);
            if (result == null) {
                return;
            }
            epochs.add(result);
            callbacks.forEach(c -> c.onEpochEnd(result, context));
            callbacks.forEach(c -> c.afterEpochEnd(result, context));
            usage.epochEnded(epoch);
        }
    }

    /** One epoch of steps then validation; null when training was stopped inside it. */
    private EpochResult runEpoch(int epoch, StepRunner step, MiniBatches train, Held held, MetricTotals totals) {
        double learningRate = setup.optimizer().learningRate();
        long start = System.nanoTime();
        if (options.shuffle()) {
            train.shuffle(epochSeed(epoch));
        }
        step.startEpoch(epoch);
        StepLosses losses = StepLosses.of(callbacks);
        for (int b = 0; b < train.batchCount(); b++) {
            int stepNumber = b + 1;
            callbacks.forEach(c -> c.onBatchBegin(epoch, stepNumber, context));
            PendingDownload loss = step.run(train, b,
                    () -> callbacks.forEach(c -> c.onGradients(epoch, stepNumber, context)));
            if (!ended(epoch, losses.queued(stepNumber, train.batchSize(b), loss), train.batchCount(), learningRate)) {
                return null;
            }
            // A step is never cut short (the devices' calls do not see interrupts); the flag stays set for the caller.
            if (Thread.currentThread().isInterrupted()) {
                context.stop("interrupted at epoch " + epoch + ", step " + stepNumber + " of " + train.batchCount());
            }
            if (context.stopRequested()) {
                return null;
            }
            letWaitingCallsIn();
        }
        if (!ended(epoch, losses.last(), train.batchCount(), learningRate)) {
            return null;
        }
        Map<String, Double> metrics = step.metricMeans(train.sampleCount());
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Evaluation validation = held == null ? null
                : Evaluator.run(model, held.objective(), held.layout(), held.batches(), totals);
        if (validation != null && !Double.isFinite(validation.loss())) {
            context.diverge("validation loss became " + validation.loss() + " at epoch " + epoch
                    + "; training stopped. Try a lower learning rate (it was " + learningRate
                    + "), or check the scale of the validation data");
            return null;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new EpochResult(epoch, losses.sum() / train.sampleCount(), metrics,
                validation == null ? Double.NaN : validation.loss(),
                validation == null ? Map.of() : validation.metrics(),
                seconds, train.sampleCount() / trainSeconds, learningRate);
    }

    /**
     * Tells the callbacks that the step of {@code read} has ended (nothing when it is null); false, with training
     * stopped as diverged, when its loss is not finite.
     */
    private boolean ended(int epoch, StepLosses.Read read, int steps, double learningRate) {
        if (read == null) {
            return true;
        }
        if (!Double.isFinite(read.loss())) {
            context.diverge("loss became " + read.loss() + " at epoch " + epoch + ", step " + read.step() + " of "
                    + steps + "; training stopped. Try a lower learning rate (it was " + learningRate + ")");
            return false;
        }
        callbacks.forEach(c -> c.onBatchEnd(epoch, read.step(), read.loss(), context));
        return true;
    }

    /**
     * Between steps, lets calls waiting for the backend (predictions, another model's steps) run first: the lock is
     * fair, so taking it again queues behind them. A caller that already held the lock keeps it.
     */
    private void letWaitingCallsIn() {
        ReentrantLock lock = model.backend().lock();
        if (lock.getHoldCount() == 1 && lock.hasQueuedThreads()) {
            lock.unlock();
            lock.lock();
        }
    }

    /** The shuffling seed of {@code epoch}: a function of the fit seed and the epoch only. */
    private long epochSeed(int epoch) {
        return options.seed() * 0x9E3779B97F4A7C15L + epoch;
    }

    private History endTraining() {
        History history = new History(epochs, context.stopReason(), context.diverged(), options.initialEpoch());
        callbacks.forEach(c -> c.onTrainEnd(history, context));
        return history;
    }
}
