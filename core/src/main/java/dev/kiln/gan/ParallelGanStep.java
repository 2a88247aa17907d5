package dev.kiln.gan;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradMode;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendLock;
import dev.kiln.data.Batch;
import dev.kiln.data.MiniBatches;
import dev.kiln.layer.ForwardContext;
import dev.kiln.model.Model;
import dev.kiln.op.Ops;
import dev.kiln.op.ShapeOps;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.DeviceSplit;
import dev.kiln.train.DeviceThreads;
import dev.kiln.train.HostCopies;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The steps of a GAN's fit on several devices, the way a fit's {@code ParallelStep} runs a model's: each device holds
 * a replica of both models and computes its equal slice of every batch, and the host sums the gradients in device
 * order, each weighted by its slice's share, into the models themselves, whose optimizers update once on the first
 * device. The discriminator's phase and the generator's run one after the other, each on all devices at once; every
 * device draws the whole batch's noise from the trainer's stream and takes its rows, so without batch normalisation
 * or dropout the run equals one device's within float32 rounding.
 */
final class ParallelGanStep implements AutoCloseable {
    private final GanTrainer trainer;
    private final List<Side> sides = new ArrayList<>();
    private final List<ExecutorService> threads = new ArrayList<>();

    /**
     * One device's models and batches, the first device's being the trainer's own, with their weights, trainable
     * parameters and state in the order of the trainer's models (matched by name).
     */
    private record Side(int index, Backend device, Model generator, Model discriminator, MiniBatches batches,
                        boolean copy, Tensors g, Tensors d) {
        String label() {
            return device.device().name() + " (" + device.name() + ")";
        }
    }

    /** A replica's tensors in the order of the same tensors of the model it copies. */
    private record Tensors(List<Tensor> weights, List<Tensor> trainable, List<Tensor> state) {
        static Tensors of(Model own, Model source) {
            Map<String, Tensor> named = own.namedWeights();
            Map<Tensor, String> names = new IdentityHashMap<>();
            source.namedWeights().forEach((name, tensor) -> names.put(tensor, name));
            Function<List<Tensor>, List<Tensor>> mine =
                    tensors -> tensors.stream().map(t -> named.get(names.get(t))).toList();
            return new Tensors(mine.apply(new ArrayList<>(source.namedWeights().values())),
                    mine.apply(source.trainableParameters()), mine.apply(source.stateWeights()));
        }
    }

    /** What one device computed on its slice in one phase. */
    private record Part(int samples, double loss, double realScore, double fakeScore, double[][] gradients,
                        double[][] state) {
    }

    private ParallelGanStep(GanTrainer trainer) {
        this.trainer = trainer;
    }

    /** Replicas of the trainer's models on every device but the first, which must be the models' own. */
    static ParallelGanStep start(GanTrainer trainer, List<Backend> devices, MiniBatches batches) {
        Model generator = trainer.generator();
        if (devices.get(0) != generator.backend()) {
            throw new KilnException("the first device of a GAN's fit on several devices must be the models' own"
                    + " backend (" + generator.backend().device().name() + "), got " + devices.get(0).device().name());
        }
        ParallelGanStep step = new ParallelGanStep(trainer);
        Model discriminator = trainer.discriminator();
        step.sides.add(new Side(0, devices.get(0), generator, discriminator, batches, false,
                Tensors.of(generator, generator), Tensors.of(discriminator, discriminator)));
        try {
            for (int k = 1; k < devices.size(); k++) {
                Backend device = devices.get(k);
                Model g = BackendLock.holding(device, () -> generator.replicaOn(device));
                Model d = null;
                try {
                    d = BackendLock.holding(device, () -> discriminator.replicaOn(device));
                    step.sides.add(new Side(k, device, g, d, batches.onDevice(device), true, Tensors.of(g, generator),
                            Tensors.of(d, discriminator)));
                } catch (RuntimeException e) {
                    g.close();
                    if (d != null) {
                        d.close();
                    }
                    throw e;
                }
                step.threads.add(DeviceThreads.single("kiln-gan-device-" + k));
            }
        } catch (RuntimeException e) {
            step.close();
            throw e;
        }
        return step;
    }

    /** Step {@code s} of the trainer on batch {@code index}, split equally over the devices. */
    GanStep run(int index, long s) {
        Side first = sides.get(0);
        int n = first.batches().batchSize(index);
        int[] sizes = DeviceSplit.sizes(n, equalWeights());
        double[][] generatorWeights = HostCopies.download(first.g().weights());
        double[][] discriminatorWeights = HostCopies.download(first.d().weights());
        Part[] critic = onAll(sizes, (side, offset, count) -> {
            if (side.copy()) {
                HostCopies.upload(generatorWeights, side.g().weights());
                HostCopies.upload(discriminatorWeights, side.d().weights());
            }
            return discriminatorPart(side, index, offset, count, n, s);
        }, "the discriminator's", s);
        apply(critic, n, first.d());
        trainer.discriminatorOptimizer().step(first.d().trainable());
        trainer.clipDiscriminator();
        double generatorLoss = Double.NaN;
        if (trainer.generatorStepDue(s)) {
            double[][] updated = HostCopies.download(first.d().weights());
            Part[] parts = onAll(sizes, (side, offset, count) -> {
                if (side.copy()) {
                    HostCopies.upload(updated, side.d().weights());
                }
                return generatorPart(side, index, offset, count, n, s);
            }, "the generator's", s);
            apply(parts, n, first.g());
            trainer.generatorOptimizer().step(first.g().trainable());
            generatorLoss = weighted(parts, n, Part::loss);
        }
        return new GanStep(weighted(critic, n, Part::loss), generatorLoss, weighted(critic, n, Part::realScore),
                weighted(critic, n, Part::fakeScore));
    }

    private double[] equalWeights() {
        double[] weights = new double[sides.size()];
        Arrays.fill(weights, 1);
        return weights;
    }

    /** The discriminator's loss and gradients on slice [offset, offset + count) of batch {@code index}. */
    private Part discriminatorPart(Side side, int index, int offset, int count, int n, long s) {
        try (MemoryScope scope = MemoryScope.open()) {
            Batch batch = side.batches().load(index, offset, count);
            Tensor labels = trainer.isConditional() ? batch.labels() : null;
            Tensor fake;
            try (GradMode.Restore off = GradMode.disabled()) {
                Tensor noise = ShapeOps.narrow(trainer.noiseOn(side.device(), n, 2 * s), 0, offset, count);
                Model g = side.generator();
                fake = g.forward(trainer.inputs(noise, labels), context(side, g, s, 0));
            }
            Model d = side.discriminator();
            Tensor realScores = d.forward(trainer.inputs(batch.features(), labels), context(side, d, s, 1));
            Tensor fakeScores = d.forward(trainer.inputs(fake, labels), context(side, d, s, 2));
            Tensor loss = trainer.loss().discriminatorLoss(realScores, fakeScores);
            List<Tensor> parameters = side.d().trainable();
            Autograd.gradients(loss, parameters);
            return new Part(count, loss.item(), Ops.mean(realScores).item(), Ops.mean(fakeScores).item(),
                    gradients(parameters), HostCopies.download(side.d().state()));
        }
    }

    /** The generator's loss and gradients through the frozen discriminator on its slice of the batch. */
    private Part generatorPart(Side side, int index, int offset, int count, int n, long s) {
        Model d = side.discriminator();
        d.trainable(false);
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor labels = trainer.isConditional() ? side.batches().load(index, offset, count).labels() : null;
            Tensor noise = ShapeOps.narrow(trainer.noiseOn(side.device(), n, 2 * s + 1), 0, offset, count);
            Model g = side.generator();
            Tensor fake = g.forward(trainer.inputs(noise, labels), context(side, g, s, 3));
            Tensor scores = d.forward(trainer.inputs(fake, labels), context(side, d, s, 4));
            Tensor loss = trainer.loss().generatorLoss(scores);
            List<Tensor> parameters = side.g().trainable();
            Autograd.gradients(loss, parameters);
            return new Part(count, loss.item(), Double.NaN, Double.NaN, gradients(parameters),
                    HostCopies.download(side.g().state()));
        } finally {
            d.trainable(true);
        }
    }

    /**
     * The trainer's forward context for {@code model} on {@code side}; a further device's random streams (dropout)
     * are seeded apart from the first device's, so that its slice is not given the same masks.
     */
    private static ForwardContext context(Side side, Model model, long s, int pass) {
        if (side.index() == 0) {
            return GanTrainer.context(model, s, pass);
        }
        return ForwardContext.training(model.seed() + side.index() * 0xD1B54A32D192ED03L,
                s * GanTrainer.PASSES + pass);
    }

    private static double[][] gradients(List<Tensor> parameters) {
        double[][] out = new double[parameters.size()][];
        for (int i = 0; i < out.length; i++) {
            Tensor p = parameters.get(i);
            if (p.hasGradient()) {
                out[i] = p.grad().toDoubleArray();
                p.zeroGrad();
            }
        }
        return out;
    }

    /** Writes the slices' gradients, weighted by share, into the model's parameters, and their averaged state. */
    private static void apply(Part[] parts, int n, Tensors model) {
        List<Tensor> parameters = model.trainable();
        for (int i = 0; i < parameters.size(); i++) {
            double[] sum = null;
            for (Part part : parts) {
                if (part != null && part.gradients()[i] != null) {
                    sum = HostCopies.addScaled(sum, part.gradients()[i], (double) part.samples() / n);
                }
            }
            if (sum == null) {
                parameters.get(i).zeroGrad();
            } else {
                HostCopies.setGradient(parameters.get(i), sum);
            }
        }
        List<Tensor> state = model.state();
        double[][] averaged = new double[state.size()][];
        for (int i = 0; i < averaged.length; i++) {
            for (Part part : parts) {
                if (part != null) {
                    averaged[i] = HostCopies.addScaled(averaged[i], part.state()[i], (double) part.samples() / n);
                }
            }
        }
        HostCopies.upload(averaged, state);
    }

    private static double weighted(Part[] parts, int n, ToDoubleFunction<Part> value) {
        double sum = 0;
        for (Part part : parts) {
            if (part != null) {
                sum += value.applyAsDouble(part) * part.samples() / n;
            }
        }
        return sum;
    }

    /** A device's work on its slice, under the device's lock. */
    @FunctionalInterface
    private interface SliceWork {
        Part run(Side side, int offset, int count);
    }

    /** Runs {@code work} on every device with a non-empty slice, the first on this thread; fails naming a device. */
    private Part[] onAll(int[] sizes, SliceWork work, String phase, long s) {
        Part[] parts = new Part[sides.size()];
        List<Future<Part>> pending = new ArrayList<>();
        int offset = sizes[0];
        for (int k = 1; k < sides.size(); k++) {
            Side side = sides.get(k);
            int from = offset;
            int count = sizes[k];
            pending.add(count == 0 ? null : threads.get(k - 1).submit(
                    () -> BackendLock.holding(side.device(), () -> work.run(side, from, count))));
            offset += count;
        }
        RuntimeException failure = null;
        if (sizes[0] > 0) {
            try {
                parts[0] = work.run(sides.get(0), 0, sizes[0]);
            } catch (RuntimeException e) {
                failure = failed(sides.get(0), phase, s, e);
            }
        }
        for (int k = 1; k < sides.size(); k++) {
            Future<Part> future = pending.get(k - 1);
            if (future == null) {
                continue;
            }
            try {
                parts[k] = future.get();
            } catch (ExecutionException e) {
                failure = failure != null ? failure : failed(sides.get(k), phase, s, e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KilnException("interrupted while device " + k + " computed " + phase + " slice", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return parts;
    }

    private static KilnException failed(Side side, String phase, long s, Throwable cause) {
        return new KilnException("device " + side.index() + ", " + side.label() + ", failed in " + phase + " phase of"
                + " step " + (s + 1) + ": " + cause.getMessage() + "; training stopped before that phase's update",
                cause);
    }

    /** Closes the replicas once their threads have stopped (the trainer's own models stay the caller's). */
    @Override
    public void close() {
        threads.forEach(ExecutorService::shutdownNow);
        boolean interrupted = false;
        for (ExecutorService t : threads) {
            try {
                t.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        RuntimeException failure = null;
        for (Side side : sides) {
            if (side.copy()) {
                for (Model model : List.of(side.generator(), side.discriminator())) {
                    try {
                        model.close();
                    } catch (RuntimeException e) {
                        failure = failure == null ? e : failure;
                    }
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
