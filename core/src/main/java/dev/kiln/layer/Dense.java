package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.backend.Activation;
import dev.kiln.init.Initializer;
import dev.kiln.init.Initializers;
import dev.kiln.op.Ops;
import dev.kiln.regularizer.Regularizer;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.Objects;

/**
 * Fully connected layer: y = f(x · kernel + bias), kernel [in, units], bias [units]; inputs of any rank are
 * transformed along their last axis, as in Keras.
 */
public final class Dense extends SingleInputLayer {
    private final int units;
    private final ActivationFunction activation;
    private Initializer kernelInitializer = Initializers.glorotUniform();
    private Initializer biasInitializer = Initializers.zeros();
    private boolean useBias = true;
    private Regularizer kernelRegularizer;
    private Regularizer biasRegularizer;
    private Tensor kernel;
    private Tensor bias;

    /** A linear layer of {@code units} outputs. */
    public Dense(int units) {
        this(units, ActivationFunction.LINEAR);
    }

    /** A layer of {@code units} outputs followed by {@code activation}. */
    public Dense(int units, ActivationFunction activation) {
        if (units <= 0) {
            throw new KilnException("Dense needs a positive number of units, got " + units);
        }
        if (activation == null) {
            throw new KilnException("Dense activation must not be null; use ActivationFunction.LINEAR");
        }
        this.units = units;
        this.activation = activation;
    }

    /** Number of outputs. */
    public int units() {
        return units;
    }

    /** The activation applied after the affine map. */
    public ActivationFunction activation() {
        return activation;
    }

    /** Whether a bias is added. */
    public boolean usesBias() {
        return useBias;
    }

    /** Sets how the kernel is initialised (Glorot uniform by default). */
    public Dense kernelInitializer(Initializer initializer) {
        checkNotBuilt("change the kernel initializer of");
        this.kernelInitializer = Objects.requireNonNull(initializer, "initializer");
        return this;
    }

    /** Sets how the bias is initialised (zeros by default). */
    public Dense biasInitializer(Initializer initializer) {
        checkNotBuilt("change the bias initializer of");
        this.biasInitializer = Objects.requireNonNull(initializer, "initializer");
        return this;
    }

    /** Adds a penalty on the kernel to the training loss (Keras's {@code kernel_regularizer}; none by default). */
    public Dense kernelRegularizer(Regularizer regularizer) {
        checkNotBuilt("change the kernel regularizer of");
        this.kernelRegularizer = regularizer;
        return this;
    }

    /** Adds a penalty on the bias to the training loss (Keras's {@code bias_regularizer}; none by default). */
    public Dense biasRegularizer(Regularizer regularizer) {
        checkNotBuilt("change the bias regularizer of");
        this.biasRegularizer = regularizer;
        return this;
    }

    /** The kernel's regularizer, or null. */
    public Regularizer kernelRegularizer() {
        return kernelRegularizer;
    }

    /** The bias's regularizer, or null. */
    public Regularizer biasRegularizer() {
        return biasRegularizer;
    }

    /** Whether the layer adds a bias (true by default). */
    public Dense useBias(boolean value) {
        checkNotBuilt("change the bias of");
        this.useBias = value;
        return this;
    }

    @Override
    public Dense named(String newName) {
        super.named(newName);
        return this;
    }

    @Override
    public Dense trainable(boolean value) {
        super.trainable(value);
        return this;
    }

    @Override
    protected Shape outputShapeFor(Shape inputShape) {
        if (inputShape.rank() == 0) {
            throw badInput("expected input shape [?, ..., features], got " + batchShape(inputShape));
        }
        return inputShape.withDim(-1, units);
    }

    @Override
    protected void createParameters(Shape inputShape, ParameterFactory factory) {
        int in = inputShape.dim(-1);
        kernel = addParameter(factory, "kernel", Shape.of(in, units), kernelInitializer, in, units);
        if (kernelRegularizer != null) {
            regularize(kernel, kernelRegularizer);
        }
        if (useBias) {
            bias = addParameter(factory, "bias", Shape.of(units), biasInitializer, in, units);
            if (biasRegularizer != null) {
                regularize(bias, biasRegularizer);
            }
        }
    }

    @Override
    protected Tensor compute(Tensor input, ForwardContext context) {
        // inputs of rank > 2 are applied along their last axis, as rows of one matrix
        int in = input.shape().dim(-1);
        Tensor rows = input.rank() == 2 ? input : Ops.reshape(input, Shape.of(Math.toIntExact(input.size() / in), in));
        // One fused call: the product, the bias and an element-wise activation; the softmax family follows it.
        Activation fused = activation.fused();
        Tensor z = Ops.dense(rows, kernel, useBias ? bias : null, fused == null ? Activation.IDENTITY : fused,
                activation.fusedAlpha());
        Tensor y = fused == null ? activation.apply(z) : z;
        return input.rank() == 2 ? y : Ops.reshape(y, input.shape().withDim(-1, units));
    }

    @Override
    protected boolean passesMask() {
        return true;
    }
}
