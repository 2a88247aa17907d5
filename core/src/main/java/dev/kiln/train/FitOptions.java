package dev.kiln.train;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.data.ArrayDataset;
import dev.kiln.data.Dataset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * How {@code fit} trains; build with {@link #builder()}.
 *
 * @param epochs passes over the training data
 * @param batchSize samples per step; the last batch of an epoch may be smaller
 * @param shuffle whether each epoch visits the samples in a new seeded random order
 * @param validationSplit fraction of the samples, taken from the end, held out for validation (0 for none)
 * @param validationData separate validation samples, or null
 * @param seed seeds the shuffling
 * @param callbacks hooks called during training, in order
 * @param checkFinite whether inputs and labels are checked for NaN and infinity before training
 * @param log whether each epoch is logged in one line
 * @param initialEpoch epochs already done (when resuming): training runs epochs initialEpoch+1 to epochs, in the
 *                     data order an uninterrupted run would have used
 * @param priorEpochs the results of the epochs already done, as a checkpoint kept them: the returned
 *                    {@link History} starts with them
 * @param devices the backends that train a replica of the model each, the model's own first; empty or one
 *                backend for training on the model's backend alone
 * @param split how each batch is divided among the devices
 */
public record FitOptions(int epochs, int batchSize, boolean shuffle, double validationSplit, Dataset validationData,
                         long seed, List<Callback> callbacks, boolean checkFinite, boolean log, int initialEpoch,
                         List<EpochResult> priorEpochs, List<Backend> devices, DeviceSplit split) {
    public FitOptions {
        if (epochs <= 0) {
            throw new KilnException("epochs must be positive, got " + epochs);
        }
        if (initialEpoch < 0 || initialEpoch > epochs) {
            throw new KilnException("initial epoch must be in [0, epochs = " + epochs + "], got " + initialEpoch);
        }
        if (batchSize <= 0) {
            throw new KilnException("batch size must be positive, got " + batchSize);
        }
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw new KilnException("validation split must be in [0, 1), got " + validationSplit);
        }
        if (validationSplit > 0 && validationData != null) {
            throw new KilnException("give either a validation split or validation data, not both");
        }
        callbacks = List.copyOf(callbacks);
        priorEpochs = List.copyOf(priorEpochs);
        if (priorEpochs.stream().anyMatch(e -> e.epoch() > initialEpoch)) {
            throw new KilnException("the prior epochs must be at most the initial epoch " + initialEpoch);
        }
        devices = List.copyOf(devices);
        Set<Backend> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Backend device : devices) {
            if (!distinct.add(device)) {
                throw new KilnException("device '" + device.name() + "' on " + device.device().name() + " is listed"
                        + " twice; each device trains one replica, so list distinct backend objects");
            }
        }
        if (split == null) {
            throw new KilnException("a fit on several devices needs a split; DeviceSplit.measured() is the default");
        }
        if (split.weightCount() != 0 && split.weightCount() != Math.max(1, devices.size())) {
            throw new KilnException("the split " + split + " gives " + split.weightCount() + " weights for "
                    + devices.size() + " devices; give one weight per device");
        }
    }

    /** A builder with the defaults: 1 epoch, batch 32, shuffled, no validation, seed 0, finite check, logging. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults of {@link #builder()}. */
    public static FitOptions defaults() {
        return builder().build();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder().epochs(epochs).batchSize(batchSize).shuffle(shuffle).seed(seed)
                .checkFinite(checkFinite).log(log).initialEpoch(initialEpoch).priorEpochs(priorEpochs)
                .devices(devices, split);
        b.validationSplit = validationSplit;
        b.validationData = validationData;
        b.callbacks.addAll(callbacks);
        return b;
    }

    /** Builds {@link FitOptions}. */
    public static final class Builder {
        private int epochs = 1;
        private int batchSize = 32;
        private boolean shuffle = true;
        private double validationSplit;
        private Dataset validationData;
        private long seed;
        private final List<Callback> callbacks = new ArrayList<>();
        private boolean checkFinite = true;
        private boolean log = true;
        private int initialEpoch;
        private List<EpochResult> priorEpochs = List.of();
        private List<Backend> devices = List.of();
        private DeviceSplit split = DeviceSplit.measured();

        private Builder() {
        }

        /** Passes over the training data (1 by default). */
        public Builder epochs(int value) {
            this.epochs = value;
            return this;
        }

        /** Samples per step (32 by default). */
        public Builder batchSize(int value) {
            this.batchSize = value;
            return this;
        }

        /** Whether each epoch visits the samples in a new seeded order (true by default). */
        public Builder shuffle(boolean value) {
            this.shuffle = value;
            return this;
        }

        /** Holds out the last {@code fraction} of the samples for validation. */
        public Builder validationSplit(double fraction) {
            this.validationSplit = fraction;
            return this;
        }

        /** Validates on {@code data} after each epoch. */
        public Builder validationData(Dataset data) {
            this.validationData = data;
            return this;
        }

        /** Validates on rows of x with labels y after each epoch. */
        public Builder validationData(double[][] x, double[][] y) {
            return validationData(ArrayDataset.of(x, y));
        }

        /** Seeds the shuffling (0 by default). */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Adds callbacks, called in the order added. */
        public Builder callbacks(Callback... values) {
            callbacks.addAll(List.of(values));
            return this;
        }

        /** Whether inputs and labels are checked for NaN and infinity first (true by default). */
        public Builder checkFinite(boolean value) {
            this.checkFinite = value;
            return this;
        }

        /** Whether each epoch is logged in one line (true by default). */
        public Builder log(boolean value) {
            this.log = value;
            return this;
        }

        /** Starts after {@code value} epochs already done, as when resuming from a checkpoint. */
        public Builder initialEpoch(int value) {
            this.initialEpoch = value;
            return this;
        }

        /** The results of the epochs already done, which the returned history starts with. */
        public Builder priorEpochs(List<EpochResult> value) {
            this.priorEpochs = value;
            return this;
        }

        /**
         * Trains one replica of the model on each of {@code backends}, the model's own backend first, each batch
         * split among them in proportion to their speed measured in the first epoch ({@link DeviceSplit#measured()}).
         */
        public Builder devices(List<Backend> backends) {
            return devices(backends, DeviceSplit.measured());
        }

        /** Trains one replica of the model on each of {@code backends}, the model's own first, split by {@code how}. */
        public Builder devices(List<Backend> backends, DeviceSplit how) {
            this.devices = backends;
            this.split = how;
            return this;
        }

        /** The options; fails on invalid values. */
        public FitOptions build() {
            return new FitOptions(epochs, batchSize, shuffle, validationSplit, validationData, seed, callbacks,
                    checkFinite, log, initialEpoch, priorEpochs, devices, split);
        }
    }
}
