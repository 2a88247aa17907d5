package dev.kiln.io;

import dev.kiln.KilnException;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.model.Model;
import dev.kiln.optim.FusedOptimizer;
import dev.kiln.optim.Optimizer;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.Callback;
import dev.kiln.train.CallbackState;
import dev.kiln.train.EpochResult;
import dev.kiln.train.FitOptions;
import dev.kiln.train.StatefulCallback;
import dev.kiln.train.TrainableModel;
import dev.kiln.train.TrainingContext;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything needed to continue training exactly where an epoch ended: the model files, the optimizer's state
 * tensors ({@code optimizer.safetensors}, named {@code layer/parameter/state_i}), {@link TrainingState}, and the
 * tensors stateful callbacks keep ({@code callbacks.safetensors}, when any do: early stopping's best weights).
 */
final class TrainingCheckpoint {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingCheckpoint.class);

    private TrainingCheckpoint() {
    }

    /** The model a training context trains, as a {@link Model}: checkpoints save model files. */
    static Model model(TrainableModel trained) {
        if (trained instanceof Model model) {
            return model;
        }
        throw new KilnException("checkpoints need a dev.kiln.model.Model; training a " + trained.getClass().getName());
    }

    /**
     * Writes the checkpoint files of the epoch just ended into {@code directory}, with the history so far and the
     * {@code settings} the run was started with.
     */
    static void write(Path directory, TrainingContext context, EpochResult result, String monitor,
                      Standardization normalization, Compilation compilation, Map<String, String> settings) {
        Model model = model(context.model());
        Optimizer optimizer = context.optimizer();
        FitOptions options = context.options();
        Map<String, Long> steps = writeTrainee(directory, model, optimizer, normalization, compilation);
        Map<String, TrainingState.SavedCallback> callbacks = new LinkedHashMap<>();
        Map<String, StoredTensor> callbackTensors = new LinkedHashMap<>();
        stateful(options).forEach((name, callback) -> {
            CallbackState state = callback.state();
            state.tensors().forEach((t, tensor) -> callbackTensors.put(name + "/" + t, StoredTensor.of(tensor)));
            callbacks.put(name, new TrainingState.SavedCallback(state.values(), state.labels(),
                    List.copyOf(state.tensors().keySet())));
        });
        if (!callbackTensors.isEmpty()) {
            SafetensorsWriter.write(directory.resolve(ModelFormat.CALLBACKS_FILE), callbackTensors, Map.of());
        }
        // the model's step count numbers the random streams of the steps after a resume
        new TrainingState(result.epoch(), model.trainingSteps(), options.epochs(), options.batchSize(),
                options.shuffle(), options.seed(), options.validationSplit(), optimizer.name(),
                optimizer.learningRate(), steps, result.values(), monitor, callbacks, context.epochs(),
                context.stopReason(), settings).write(directory);
    }

    /**
     * Writes the model files and the optimizer's state tensors of one trained model into {@code directory}; returns
     * the updates each parameter has had, by parameter name, for its {@link TrainingState}.
     */
    static Map<String, Long> writeTrainee(Path directory, Model model, Optimizer optimizer,
                                          Standardization normalization, Compilation compilation) {
        FusedOptimizer fused = fused(optimizer);
        SavedModel.writeFiles(model, normalization, compilation, directory);
        Map<String, StoredTensor> slots = new LinkedHashMap<>();
        Map<String, Long> steps = new LinkedHashMap<>();
        // named as in the model ("generator/dense_1/kernel"): a tensor's own name lacks the nested model's prefix
        for (Map.Entry<String, Tensor> named : model.namedParameters().entrySet()) {
            Tensor p = named.getValue();
            steps.put(named.getKey(), fused.steps(p));
            List<Tensor> state = fused.state(p);
            for (int i = 0; i < state.size(); i++) {
                slots.put(slotName(named.getKey(), i), StoredTensor.of(state.get(i)));
            }
        }
        SafetensorsWriter.write(directory.resolve(ModelFormat.OPTIMIZER_FILE), slots,
                Map.of("optimizer", optimizer.name()));
        return steps;
    }

    /** The stateful callbacks of a fit by their names in a checkpoint: the state name, then "_2", "_3" for repeats. */
    private static Map<String, StatefulCallback> stateful(FitOptions options) {
        Map<String, StatefulCallback> named = new LinkedHashMap<>();
        for (Callback c : options.callbacks()) {
            if (c instanceof StatefulCallback s) {
                String name = s.stateName();
                for (int n = 2; named.containsKey(name); n++) {
                    name = s.stateName() + "_" + n;
                }
                named.put(name, s);
            }
        }
        return named;
    }

    /** Hands each stateful callback of {@code options} its state from the checkpoint, read onto the model's backend. */
    private static void restoreCallbacks(Path directory, TrainingState state, Model model, FitOptions options) {
        Map<String, StatefulCallback> callbacks = stateful(options);
        if (callbacks.isEmpty()) {
            return;
        }
        Map<String, Tensor> weights = model.namedWeights();
        for (Map.Entry<String, StatefulCallback> e : callbacks.entrySet()) {
            TrainingState.SavedCallback saved = state.callbacks().get(e.getKey());
            if (saved == null) {
                LOG.warn("the checkpoint in {} holds no state for callback '{}'; it starts afresh", directory,
                        e.getKey());
                continue;
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            try {
                if (!saved.tensors().isEmpty()) {
                    readCallbackTensors(directory, e.getKey(), saved, weights, tensors);
                }
                e.getValue().resumeFrom(new CallbackState(saved.values(), saved.labels(), tensors));
            } catch (RuntimeException failure) {
                tensors.values().forEach(Tensor::close);
                throw failure;
            }
        }
    }

    private static void readCallbackTensors(Path directory, String callback, TrainingState.SavedCallback saved,
                                            Map<String, Tensor> weights, Map<String, Tensor> into) {
        String source = ModelFormat.CALLBACKS_FILE;
        try (SafetensorsReader reader = SafetensorsReader.open(directory.resolve(source))) {
            for (String name : saved.tensors()) {
                Tensor like = weights.get(name);
                if (like == null) {
                    throw new KilnException(ModelFormat.TRAINING_FILE + ": callbacks." + callback + " keeps a copy of"
                            + " weight '" + name + "', which the model does not have");
                }
                StoredTensor stored = reader.read(callback + "/" + name);
                if (!stored.shape().equals(like.shape())) {
                    throw new KilnException(source + ": tensor '" + callback + "/" + name + "' has shape "
                            + stored.shape() + ", expected " + like.shape());
                }
                Tensor copy = Tensor.empty(like.backend(), like.dtype(), like.shape()).keep();
                into.put(name, copy);
                stored.copyInto(copy);
            }
        }
    }

    /**
     * Restores weights, optimizer state and learning rate from {@code directory} into a built, compiled model, and
     * hands the stateful callbacks of {@code options} their states.
     */
    static void restore(Path directory, Model model, Optimizer optimizer, FitOptions options) {
        TrainingState state = TrainingState.read(directory);
        restoreTrainee(directory, state, model, optimizer);
        model.trainingSteps(state.globalStep());
        restoreCallbacks(directory, state, model, options);
    }

    /**
     * Restores one trained model's weights, optimizer state and learning rate from {@code directory}, whose
     * training.json is {@code state}, after checking that the checkpoint holds this architecture and optimizer.
     */
    static void restoreTrainee(Path directory, TrainingState state, Model model, Optimizer optimizer) {
        FusedOptimizer fused = fused(optimizer);
        if (!state.optimizer().equals(optimizer.name())) {
            throw new KilnException(ModelFormat.TRAINING_FILE + ": the checkpoint was trained with optimizer '"
                    + state.optimizer() + "', the model is compiled with '" + optimizer.name() + "'");
        }
        ModelDescription saved = ModelDescription.read(directory);
        ModelDescription current = ModelDescription.of(model, null, null);
        String difference = saved.architectureDifference(current);
        if (difference != null) {
            throw new KilnException(ModelFormat.MODEL_FILE + ": the checkpoint's model and the model being trained"
                    + " differ at " + difference + " (here: the checkpoint, there: the model)");
        }
        ModelWeights.read(directory.resolve(ModelFormat.WEIGHTS_FILE), model);
        Map<String, Tensor> slots = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> named : model.namedParameters().entrySet()) {
            Tensor p = named.getValue();
            long n = state.parameterSteps().getOrDefault(named.getKey(), 0L);
            if (n > 0) {
                List<Tensor> tensors = fused.restoreState(p, n);
                for (int i = 0; i < tensors.size(); i++) {
                    slots.put(slotName(named.getKey(), i), tensors.get(i));
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

    private static String slotName(String parameter, int index) {
        return parameter + "/state_" + index;
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
