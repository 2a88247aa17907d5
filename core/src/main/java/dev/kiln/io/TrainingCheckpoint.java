package dev.kiln.io;

import dev.kiln.KilnException;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.model.Model;
import dev.kiln.optim.FusedOptimizer;
import dev.kiln.optim.Optimizer;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.EpochResult;
import dev.kiln.train.FitOptions;
import dev.kiln.train.TrainableModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to continue training exactly where an epoch ended: the model files, the optimizer's state
 * tensors ({@code optimizer.safetensors}, named {@code layer/parameter/state_i}) and {@link TrainingState}.
 */
final class TrainingCheckpoint {
    private TrainingCheckpoint() {
    }

    /** The model a training context trains, as a {@link Model}: checkpoints save model files. */
    static Model model(TrainableModel trained) {
        if (trained instanceof Model model) {
            return model;
        }
        throw new KilnException("checkpoints need a dev.kiln.model.Model; training a " + trained.getClass().getName());
    }

    /** Writes the checkpoint files of the epoch just ended into {@code directory}. */
    static void write(Path directory, Model model, Optimizer optimizer, FitOptions options, EpochResult result,
                      String monitor, Standardization normalization, Compilation compilation) {
        FusedOptimizer fused = fused(optimizer);
        SavedModel.writeFiles(model, normalization, compilation, directory);
        Map<String, StoredTensor> slots = new LinkedHashMap<>();
        Map<String, Long> steps = new LinkedHashMap<>();
        long globalStep = 0;
        for (Tensor p : model.parameters()) {
            long n = fused.steps(p);
            steps.put(p.name(), n);
            globalStep = Math.max(globalStep, n);
            List<Tensor> state = fused.state(p);
            for (int i = 0; i < state.size(); i++) {
                slots.put(slotName(p, i), StoredTensor.of(state.get(i)));
            }
        }
        SafetensorsWriter.write(directory.resolve(ModelFormat.OPTIMIZER_FILE), slots,
                Map.of("optimizer", optimizer.name()));
        new TrainingState(result.epoch(), globalStep, options.epochs(), options.batchSize(), options.shuffle(),
                options.seed(), options.validationSplit(), optimizer.name(), optimizer.learningRate(), steps,
                result.values(), monitor).write(directory);
    }

    /** Restores weights, optimizer state and learning rate from {@code directory} into a built, compiled model. */
    static void restore(Path directory, Model model, Optimizer optimizer) {
        FusedOptimizer fused = fused(optimizer);
        TrainingState state = TrainingState.read(directory);
        if (!state.optimizer().equals(optimizer.name())) {
            throw new KilnException(ModelFormat.TRAINING_FILE + ": the checkpoint was trained with optimizer '"
                    + state.optimizer() + "', the model is compiled with '" + optimizer.name() + "'");
        }
        ModelDescription saved = ModelDescription.read(directory);
        ModelDescription current = ModelDescription.of(model, null, null);
        if (!saved.layers().equals(current.layers())) {
            throw new KilnException(ModelFormat.MODEL_FILE + ": the checkpoint's layers " + saved.layers()
                    + " differ from the model's " + current.layers());
        }
        ModelWeights.read(directory.resolve(ModelFormat.WEIGHTS_FILE), model);
        Map<String, Tensor> slots = new LinkedHashMap<>();
        for (Tensor p : model.parameters()) {
            long n = state.parameterSteps().getOrDefault(p.name(), 0L);
            if (n > 0) {
                List<Tensor> tensors = fused.restoreState(p, n);
                for (int i = 0; i < tensors.size(); i++) {
                    slots.put(slotName(p, i), tensors.get(i));
                }
            }
        }
        Map<String, Shape> expected = new LinkedHashMap<>();
        slots.forEach((name, t) -> expected.put(name, t.shape()));
        try (SafetensorsReader reader = SafetensorsReader.open(directory.resolve(ModelFormat.OPTIMIZER_FILE))) {
            reader.expectShapes(expected);
            slots.forEach((name, t) -> reader.read(name).copyInto(t));
        }
        optimizer.setLearningRate(state.learningRate());
    }

    private static String slotName(Tensor parameter, int index) {
        return parameter.name() + "/state_" + index;
    }

    private static FusedOptimizer fused(Optimizer optimizer) {
        if (optimizer instanceof FusedOptimizer fused) {
            return fused;
        }
        throw new KilnException("cannot checkpoint optimizer '" + optimizer.name() + "' ("
                + optimizer.getClass().getName()
                + "): only Kiln's built-in optimizers expose their state");
    }
}
