package dev.kiln.layer;

import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.init.Initializer;
import dev.kiln.init.Seeds;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * Creates the parameters of the layers of one model on its backend and dtype. The n-th parameter created
 * gets the seed {@code mix(modelSeed, n)}, so a model seed reproduces every initial weight on every backend.
 */
public final class ParameterFactory {
    private final Backend backend;
    private final DType dtype;
    private final long modelSeed;
    private int created;

    /** A factory for parameters on {@code backend} in {@code dtype}, seeded from {@code modelSeed}. */
    public ParameterFactory(Backend backend, DType dtype, long modelSeed) {
        this.backend = backend;
        this.dtype = dtype;
        this.modelSeed = modelSeed;
    }

    /** The backend parameters are created on. */
    public Backend backend() {
        return backend;
    }

    /** The dtype of the parameters. */
    public DType dtype() {
        return dtype;
    }

    /** A new parameter named {@code layer/parameter}, owned by the caller and initialised by {@code initializer}. */
    public Tensor create(String layer, String parameter, Shape shape, Initializer initializer, int fanIn, int fanOut) {
        Tensor tensor = Tensor.empty(backend, dtype, shape).keep().named(layer + "/" + parameter);
        try {
            initializer.initialize(tensor, fanIn, fanOut, seedOf(created++));
        } catch (RuntimeException e) {
            tensor.close();
            throw e;
        }
        return tensor;
    }

    /** SplitMix64 of the model seed and the parameter index: well-spread seeds for neighbouring indices. */
    private long seedOf(int index) {
        return Seeds.mix(modelSeed + (index + 1) * 0x9E3779B97F4A7C15L);
    }
}
