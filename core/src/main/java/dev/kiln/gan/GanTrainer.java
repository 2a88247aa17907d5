package dev.kiln.gan;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradMode;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendLock;
import dev.kiln.backend.Distribution;
import dev.kiln.data.Batch;
import dev.kiln.data.Dataset;
import dev.kiln.data.MiniBatches;
import dev.kiln.io.CheckpointStore;
import dev.kiln.init.Seeds;
import dev.kiln.io.JointCheckpoint;
import dev.kiln.layer.ForwardContext;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.model.Model;
import dev.kiln.op.InPlaceOps;
import dev.kiln.op.Ops;
import dev.kiln.optim.Optimizer;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.DeviceUsageLog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a generator against a discriminator, a loop written on the public training step ({@code forward},
 * {@link Autograd#gradients}, {@code Optimizer.step}) as anyone would write their own. Each {@link #step} trains the
 * discriminator once on a real batch and a generated one of the same size, then, after every
 * {@link GanLoss#criticSteps() criticSteps}-th of its steps, the generator once through the discriminator, which is
 * frozen meanwhile ({@code trainable(false)}: no gradients for its weights, and its batch normalisation uses running
 * statistics, as in Keras). A conditional GAN feeds the batch's labels to both models as their second input.
 *
 * <p>Noise is drawn on the device from a stream given by the trainer's seed and the step, and every forward pass
 * gets its own step number for its random layers, so a run is repeatable and a resumed run continues exactly as an
 * uninterrupted one would. The trainer owns neither the models nor the optimizers.
 */
public final class GanTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(GanTrainer.class);
    /** Forward passes per step; each gets its own step number in the layers' random streams. */
    static final int PASSES = 5;

    private final Model generator;
    private final Model discriminator;
    private final Optimizer generatorOptimizer;
    private final Optimizer discriminatorOptimizer;
    private final GanLoss loss;
    private final int criticSteps;
    private final double weightClip;
    private final boolean conditional;
    private final long seed;
    private final Shape noiseShape;
    private long steps;

    private GanTrainer(Builder b) {
        this.generator = b.generator;
        this.discriminator = b.discriminator;
        this.generatorOptimizer = Objects.requireNonNull(b.generatorOptimizer, "generator optimizer");
        this.discriminatorOptimizer = Objects.requireNonNull(b.discriminatorOptimizer, "discriminator optimizer");
        this.loss = b.loss;
        this.criticSteps = b.criticSteps > 0 ? b.criticSteps : loss.criticSteps();
        this.weightClip = b.weightClip >= 0 ? b.weightClip : loss.weightClip();
        this.conditional = b.conditional;
        this.seed = b.seed;
        int inputs = conditional ? 2 : 1;
        check(generator, "generator", inputs);
        check(discriminator, "discriminator", inputs);
        if (generator.backend() != discriminator.backend() || generator.dtype() != discriminator.dtype()) {
            throw new KilnException("the generator (" + generator.dtype() + ") and the discriminator ("
                    + discriminator.dtype() + ") must compute on one backend instance in one dtype: create both with"
                    + " Model.on(backend, ...) and the same backend");
        }
        if (generatorOptimizer == discriminatorOptimizer) {
            throw new KilnException("the generator and the discriminator need an optimizer each; both were given the"
                    + " same " + generatorOptimizer.name() + " instance");
        }
        if (discriminator.trainableParameters().size() != discriminator.namedParameters().size()) {
            throw new KilnException("the discriminator has frozen layers; the trainer freezes it itself for the"
                    + " generator's steps and trains all of it otherwise");
        }
        this.noiseShape = generator.inputs().get(0).shape();
    }

    /** Builds {@code model} from its symbolic inputs when it is not built yet, then checks its inputs and outputs. */
    private static void check(Model model, String role, int inputs) {
        if (!model.isBuilt()) {
            if (model.inputs().isEmpty()) {
                throw new KilnException("the " + role + " is not built and has no symbolic inputs to build it from:"
                        + " call build(shapes) first");
            }
            model.build(model.inputs().stream().map(SymbolicTensor::shape).toList());
        }
        if (model.inputs().size() != inputs || model.outputs().size() != 1) {
            throw new KilnException("the " + role + " must take " + (inputs == 1 ? "one input" : "two inputs (its"
                    + " usual one, then the label)") + " and give one output; it takes " + model.inputs().size()
                    + " and gives " + model.outputs().size());
        }
    }

    /** A trainer of {@code generator} against {@code discriminator}, both on one backend (built here if need be). */
    public static Builder builder(Model generator, Model discriminator) {
        return new Builder(generator, discriminator);
    }

    public Model generator() {
        return generator;
    }

    public Model discriminator() {
        return discriminator;
    }

    public Optimizer generatorOptimizer() {
        return generatorOptimizer;
    }

    public Optimizer discriminatorOptimizer() {
        return discriminatorOptimizer;
    }

    public GanLoss loss() {
        return loss;
    }

    /** Discriminator steps taken so far (resumed runs included). */
    public long steps() {
        return steps;
    }

    /**
     * {@code count} noise vectors of the generator's input shape, standard normal, drawn from stream
     * {@code stream} of this trainer's seed: the same numbers on every backend, so a fixed stream draws the same
     * digits after every epoch. Training draws from streams 0, 1, 2, ...; pass a negative one for noise of your own.
     */
    public Tensor noise(int count, long stream) {
        return noiseOn(generator.backend(), count, stream);
    }

    /** {@link #noise} drawn on {@code device}: the same numbers as on the models' backend. */
    Tensor noiseOn(Backend device, int count, long stream) {
        Tensor noise = Tensor.empty(device, generator.dtype(), noiseShape.prepend(count));
        InPlaceOps.random(noise, Distribution.NORMAL, Seeds.mix(seed ^ Seeds.mix(stream)), 0, 1);
        return noise;
    }

    /** The generator's output for {@code noise} (and {@code labels}, for a conditional GAN), in inference mode. */
    public Tensor generate(Tensor noise, Tensor labels) {
        return onDevice(() -> {
            try (GradMode.Restore off = GradMode.disabled()) {
                return generator.forward(inputs(noise, labels), ForwardContext.inference());
            }
        });
    }

    /**
     * One discriminator step on {@code real} (and its {@code labels}, for a conditional GAN; else null) and as many
     * generated samples, then a generator step when one is due; returns the losses and scores, read back once. The
     * step holds the backend's lock, so that predictions from other threads wait for it rather than interleave.
     */
    public GanStep step(Tensor real, Tensor labels) {
        return onDevice(() -> train(real, labels));
    }

    /** Runs {@code work} holding the lock of the models' backend. */
    private <T> T onDevice(Supplier<T> work) {
        return BackendLock.holding(generator.backend(), work);
    }

    private GanStep train(Tensor real, Tensor labels) {
        if (conditional != (labels != null)) {
            throw new KilnException(conditional ? "a conditional GAN's step needs the batch's labels"
                    : "labels were given to a GAN that is not conditional");
        }
        int n = real.shape().dim(0);
        long s = steps++;
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor fake;
            try (GradMode.Restore off = GradMode.disabled()) {
                fake = generator.forward(inputs(noise(n, 2 * s), labels), context(generator, s, 0));
            }
            Tensor realScores = discriminator.forward(inputs(real, labels), context(discriminator, s, 1));
            Tensor fakeScores = discriminator.forward(inputs(fake, labels), context(discriminator, s, 2));
            Tensor discriminatorLoss = loss.discriminatorLoss(realScores, fakeScores);
            List<Tensor> critic = discriminator.trainableParameters();
            Autograd.gradients(discriminatorLoss, critic);
            discriminatorOptimizer.step(critic);
            clipDiscriminator();
            double generatorLoss = generatorStepDue(s) ? generatorStep(n, s, labels) : Double.NaN;
            return new GanStep(discriminatorLoss.item(), generatorLoss, Ops.mean(realScores).item(),
                    Ops.mean(fakeScores).item());
        }
    }

    /** Clips the discriminator's weights after its update, when the loss asks for it (a Wasserstein critic). */
    void clipDiscriminator() {
        if (weightClip > 0) {
            discriminator.trainableParameters().forEach(p -> InPlaceOps.clip(p, -weightClip, weightClip));
        }
    }

    /** Whether discriminator step {@code s} (from 0) is followed by a generator step. */
    boolean generatorStepDue(long s) {
        return (s + 1) % criticSteps == 0;
    }

    boolean isConditional() {
        return conditional;
    }

    /** The generator's step through the frozen discriminator; returns its loss. */
    private double generatorStep(int n, long s, Tensor labels) {
        discriminator.trainable(false);
        try {
            Tensor fake = generator.forward(inputs(noise(n, 2 * s + 1), labels), context(generator, s, 3));
            Tensor scores = discriminator.forward(inputs(fake, labels), context(discriminator, s, 4));
            Tensor generatorLoss = loss.generatorLoss(scores);
            List<Tensor> trained = generator.trainableParameters();
            Autograd.gradients(generatorLoss, trained);
            generatorOptimizer.step(trained);
            return generatorLoss.item();
        } finally {
            discriminator.trainable(true);
        }
    }

    /**
     * Trains for {@code options.epochs()} epochs over the features of {@code data} (and its class labels, for a
     * conditional GAN), with checkpoints and resuming as the options ask; returns the epochs this call trained.
     */
    public List<GanEpoch> fit(Dataset data, GanFitOptions options) {
        List<JointCheckpoint.Member> members = List.of(
                new JointCheckpoint.Member("generator", generator, generatorOptimizer),
                new JointCheckpoint.Member("discriminator", discriminator, discriminatorOptimizer));
        int first = 1;
        if (options.resume() != null) {
            JointCheckpoint.Progress progress = JointCheckpoint.restore(options.resume(), members);
            if (progress.batchSize() != options.batchSize() || progress.seed() != seed) {
                throw new KilnException("the checkpoint was trained with batch size " + progress.batchSize()
                        + " and seed " + progress.seed() + "; resuming it needs the same, got batch size "
                        + options.batchSize() + " and seed " + seed);
            }
            if (progress.epoch() >= options.epochs()) {
                throw new KilnException("the checkpoint in " + options.resume() + " has already trained all "
                        + progress.epoch() + " epochs; ask for more than " + progress.epoch()
                        + " epochs to train it further");
            }
            steps = progress.step();
            first = progress.epoch() + 1;
        }
        CheckpointStore store = options.checkpoints() == null ? null : new CheckpointStore(options.checkpoints());
        // labels feed the models as inputs, so they come in the models' dtype as ids do (an Embedding checks them)
        MiniBatches batches = new MiniBatches(data, 0, data.size(), options.batchSize(), generator.backend(),
                generator.dtype(), Collections.nCopies(data.labelShapes().size(), generator.dtype()));
        List<GanEpoch> trained = new ArrayList<>();
        DeviceUsageLog usage = new DeviceUsageLog(generator.backend());
        ParallelGanStep parallel = options.devices().size() > 1
                ? ParallelGanStep.start(this, options.devices(), batches) : null;
        try {
            for (int epoch = first; epoch <= options.epochs(); epoch++) {
                GanEpoch result = epoch(batches, epoch, options.shuffle(), parallel);
                trained.add(result);
                LOG.info("epoch {}/{}: discriminator loss {}, generator loss {}, D(real) {}, D(fake) {}, {} s", epoch,
                        options.epochs(), fmt(result.discriminatorLoss()), fmt(result.generatorLoss()),
                        fmt(result.realScore()), fmt(result.fakeScore()),
                        String.format(Locale.ROOT, "%.1f", result.seconds()));
                // listeners first, so that what they change (a learning rate for the next epoch) is checkpointed
                for (GanEpochListener listener : options.listeners()) {
                    listener.onEpochEnd(result, this);
                }
                if (store != null) {
                    JointCheckpoint.Progress progress = new JointCheckpoint.Progress(epoch, steps, options.epochs(),
                            options.batchSize(), seed, result.values());
                    store.save(epoch, directory -> JointCheckpoint.write(directory, members, progress));
                    store.prune(options.keepLast(), Set.of());
                }
                usage.epochEnded(epoch);
            }
        } finally {
            if (parallel != null) {
                parallel.close();
            }
            options.listeners().forEach(listener -> listener.onFitEnd(this));
        }
        return trained;
    }

    private GanEpoch epoch(MiniBatches batches, int epoch, boolean shuffle, ParallelGanStep parallel) {
        long start = System.nanoTime();
        if (shuffle) {
            batches.shuffle(Seeds.mix(seed + epoch));
        }
        double discriminatorSum = 0;
        double generatorSum = 0;
        double realSum = 0;
        double fakeSum = 0;
        long samples = 0;
        long generatorSamples = 0;
        for (int i = 0; i < batches.batchCount(); i++) {
            try (MemoryScope scope = MemoryScope.open()) {
                int n = batches.batchSize(i);
                GanStep step = parallel != null ? stepOnDevices(parallel, i) : stepOn(batches.load(i));
                discriminatorSum += step.discriminatorLoss() * n;
                realSum += step.realScore() * n;
                fakeSum += step.fakeScore() * n;
                samples += n;
                if (step.trainedGenerator()) {
                    generatorSum += step.generatorLoss() * n;
                    generatorSamples += n;
                }
            }
        }
        return new GanEpoch(epoch, discriminatorSum / samples,
                generatorSamples == 0 ? Double.NaN : generatorSum / generatorSamples, realSum / samples,
                fakeSum / samples, (System.nanoTime() - start) / 1e9);
    }

    private GanStep stepOn(Batch batch) {
        return step(batch.features(), conditional ? batch.labels() : null);
    }

    /** One step on batch {@code index} split over the devices of {@code parallel}. */
    private GanStep stepOnDevices(ParallelGanStep parallel, int index) {
        return onDevice(() -> parallel.run(index, steps++));
    }

    List<Tensor> inputs(Tensor first, Tensor labels) {
        return labels == null ? List.of(first) : List.of(first, labels);
    }

    static ForwardContext context(Model model, long step, int pass) {
        return ForwardContext.training(model.seed(), step * PASSES + pass);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    /** The settings of a {@link GanTrainer}; both optimizers are required. */
    public static final class Builder {
        private final Model generator;
        private final Model discriminator;
        private Optimizer generatorOptimizer;
        private Optimizer discriminatorOptimizer;
        private GanLoss loss = GanLoss.standard();
        private int criticSteps;
        private double weightClip = -1;
        private boolean conditional;
        private long seed = 1;

        private Builder(Model generator, Model discriminator) {
            this.generator = Objects.requireNonNull(generator, "generator");
            this.discriminator = Objects.requireNonNull(discriminator, "discriminator");
        }

        public Builder generatorOptimizer(Optimizer value) {
            this.generatorOptimizer = value;
            return this;
        }

        public Builder discriminatorOptimizer(Optimizer value) {
            this.discriminatorOptimizer = value;
            return this;
        }

        /** The losses (default {@link GanLoss#standard()}), which also give the default critic steps and clip. */
        public Builder loss(GanLoss value) {
            this.loss = Objects.requireNonNull(value, "loss");
            return this;
        }

        /** Discriminator steps per generator step, overriding the loss's default. */
        public Builder criticSteps(int value) {
            if (value < 1) {
                throw new KilnException("critic steps must be at least 1, got " + value);
            }
            this.criticSteps = value;
            return this;
        }

        /** The bound the discriminator's weights are clipped to after each of its steps (0: none). */
        public Builder weightClip(double value) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new KilnException("the weight clip must be 0 (none) or a positive finite number, got " + value);
            }
            this.weightClip = value;
            return this;
        }

        /** Whether both models take the batch's labels as their second input (a conditional GAN). */
        public Builder conditional(boolean value) {
            this.conditional = value;
            return this;
        }

        /** Seed of the noise and of the order of the samples. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public GanTrainer build() {
            return new GanTrainer(this);
        }
    }
}
