package dev.kiln.io;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.model.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Saves a model to a directory ({@code model.json}, {@code weights.safetensors}, and a {@code manifest.json}
 * of their SHA-256 written last) and loads it back onto any backend and dtype.
 */
public final class SavedModel {
    private SavedModel() {
    }

    /** Saves a built model to {@code directory} (created if needed; earlier files of the same names are replaced). */
    public static void save(Model model, Path directory) {
        save(model, null, null, directory);
    }

    /**
     * Saves a built model with the input {@code normalization} and the {@code compilation} (loss and metric
     * names) it was trained with; either may be null.
     */
    public static void save(Model model, Standardization normalization, Compilation compilation, Path directory) {
        try {
            Files.createDirectories(directory);
            writeFiles(model, normalization, compilation, directory);
            Manifest.of(directory).write(directory);
        } catch (IOException e) {
            throw new KilnException("cannot save the model to " + directory + ": " + e, e);
        }
    }

    /** Writes {@code model.json} and {@code weights.safetensors} (each atomically) into {@code directory}. */
    static void writeFiles(Model model, Standardization normalization, Compilation compilation, Path directory) {
        if (!model.isBuilt()) {
            throw new KilnException("cannot save a model that is not built: train it or call build(inputShape) first");
        }
        byte[] json = ModelDescription.of(model, normalization, compilation).toJson();
        ModelWeights.write(directory.resolve(ModelFormat.WEIGHTS_FILE), model);
        AtomicFiles.write(directory.resolve(ModelFormat.MODEL_FILE), out -> out.write(json));
    }

    /** Loads the model of {@code directory} onto {@code backend} in the dtype it was saved in. */
    public static LoadedModel load(Path directory, Backend backend) {
        return load(directory, backend, null);
    }

    /**
     * Loads the model of {@code directory} onto {@code backend} in {@code dtype} (null: as saved), after checking
     * its files against its manifest, which must exist and list every file. Every problem of the directory is a
     * {@link ModelFileException} naming the file and what is wrong.
     */
    public static LoadedModel load(Path directory, Backend backend, DType dtype) {
        return load(directory, backend, dtype, true);
    }

    /**
     * Loads as {@link #load(Path, Backend, DType)} does without reading the manifest: for a model edited by hand,
     * whose files nothing vouches for.
     */
    public static LoadedModel loadUnverified(Path directory, Backend backend, DType dtype) {
        return load(directory, backend, dtype, false);
    }

    private static LoadedModel load(Path directory, Backend backend, DType dtype, boolean verify) {
        ModelDescription description = inDirectory(directory, () -> describe(directory, verify));
        DType target = dtype == null ? description.dtype() : dtype;
        if (!backend.supports(target)) {
            throw new KilnException("backend '" + backend.name() + "' on " + backend.device().name()
                    + " does not support " + target + (dtype == null ? ", the dtype the model was saved in" : ""));
        }
        Model model = inDirectory(directory, () -> build(directory, description, backend, target));
        return new LoadedModel(model, description);
    }

    /** The description of {@code directory}, whose files are first checked against its manifest when {@code verify}. */
    private static ModelDescription describe(Path directory, boolean verify) {
        if (!Files.isDirectory(directory)) {
            throw new KilnException("not a directory; a saved model is a directory holding "
                    + ModelFormat.MODEL_FILE + " and " + ModelFormat.WEIGHTS_FILE);
        }
        if (verify) {
            Manifest.verified(directory);
        }
        return ModelDescription.read(directory);
    }

    private static Model build(Path directory, ModelDescription description, Backend backend, DType dtype) {
        Model model = description.newModel(backend).dtype(dtype);
        try {
            try {
                model.build(description.inputShapes());
            } catch (KilnException e) {
                throw new KilnException(ModelFormat.MODEL_FILE + ": the described layers do not fit together: "
                        + e.getMessage(), e);
            }
            ModelWeights.read(directory.resolve(ModelFormat.WEIGHTS_FILE), model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /** Runs one step of reading {@code directory}, reporting its failures as {@link ModelFileException}s. */
    static <T> T inDirectory(Path directory, Supplier<T> step) {
        try {
            return step.get();
        } catch (ModelFileException e) {
            throw e;
        } catch (KilnException e) {
            throw new ModelFileException(directory, e.getMessage(), e);
        }
    }
}
