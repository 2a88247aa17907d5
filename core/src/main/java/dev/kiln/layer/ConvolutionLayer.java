package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.init.Initializer;
import dev.kiln.init.Initializers;
import dev.kiln.op.Ops;
import dev.kiln.op.Padding2d;
import dev.kiln.op.WindowOptions;
import dev.kiln.regularizer.Regularizer;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.Objects;

/**
 * What {@link Conv2D} and {@link Conv2DTranspose} share: a filter count, a kernel size, strides, padding, dilation,
 * an optional bias, an activation, initializers and regularizers. Images are channels-last,
 * {@code [batch, height, width, channels]}, as in Keras, so Keras weights load without reordering.
 *
 * @param <L> the concrete layer, returned by the setters so they chain
 */
public abstract class ConvolutionLayer<L extends ConvolutionLayer<L>> extends SingleInputLayer {
    private final int filters;
    private final int kernelHeight;
    private final int kernelWidth;
    private ActivationFunction activation = ActivationFunction.LINEAR;
    private WindowOptions options = WindowOptions.DEFAULT;
    private Initializer kernelInitializer = Initializers.glorotUniform();
    private Initializer biasInitializer = Initializers.zeros();
    private boolean useBias = true;
    private Regularizer kernelRegularizer;
    private Regularizer biasRegularizer;
    private Tensor kernel;
    private Tensor bias;

    ConvolutionLayer(int filters, int kernelHeight, int kernelWidth) {
        if (filters < 1 || kernelHeight < 1 || kernelWidth < 1) {
            throw new KilnException(getClass().getSimpleName() + " needs at least 1 filter and a kernel of at least 1x1,"
                    + " got " + filters + " filters and a " + kernelHeight + "x" + kernelWidth + " kernel");
        }
        this.filters = filters;
        this.kernelHeight = kernelHeight;
        this.kernelWidth = kernelWidth;
    }

    /** The layer itself, typed as the subclass, for chained setters. */
    private L self() {
        @SuppressWarnings("unchecked")
        L self = (L) this;
        return self;
    }

    /** Output channels. */
    public int filters() {
        return filters;
    }

    /** Kernel rows. */
    public int kernelHeight() {
        return kernelHeight;
    }

    /** Kernel columns. */
    public int kernelWidth() {
        return kernelWidth;
    }

    /** Strides, dilation and padding. */
    public WindowOptions windowOptions() {
        return options;
    }

    /** The activation applied after the convolution and bias. */
    public ActivationFunction activation() {
        return activation;
    }

    /** Whether a bias is added. */
    public boolean usesBias() {
        return useBias;
    }

    /** The kernel's regularizer, or null. */
    public Regularizer kernelRegularizer() {
        return kernelRegularizer;
    }

    /** The bias's regularizer, or null. */
    public Regularizer biasRegularizer() {
        return biasRegularizer;
    }

    /** Sets the activation ({@link ActivationFunction#LINEAR} by default). */
    public L activation(ActivationFunction function) {
        checkNotBuilt("change the activation of");
        this.activation = Objects.requireNonNull(function, "activation");
        return self();
    }

    /** The same stride along both axes (1 by default). */
    public L strides(int stride) {
        return strides(stride, stride);
    }

    /** Rows and columns between neighbouring windows. */
    public L strides(int strideHeight, int strideWidth) {
        checkNotBuilt("change the strides of");
        options = new WindowOptions(strideHeight, strideWidth, options.dilationHeight(), options.dilationWidth(),
                options.padding());
        return self();
    }

    /** The same dilation along both axes (1, adjacent taps, by default). */
    public L dilation(int rate) {
        return dilation(rate, rate);
    }

    /** Rows and columns between the kernel's taps. */
    public L dilation(int rateHeight, int rateWidth) {
        checkNotBuilt("change the dilation of");
        options = new WindowOptions(options.strideHeight(), options.strideWidth(), rateHeight, rateWidth,
                options.padding());
        return self();
    }

    /** {@link Padding2d#VALID} (the default), {@link Padding2d#SAME} or explicit rows and columns. */
    public L padding(Padding2d padding) {
        checkNotBuilt("change the padding of");
        options = new WindowOptions(options.strideHeight(), options.strideWidth(), options.dilationHeight(),
                options.dilationWidth(), padding);
        return self();
    }

    /** Sets strides, dilation and padding at once. */
    public L windowOptions(WindowOptions value) {
        checkNotBuilt("change the window of");
        this.options = Objects.requireNonNull(value, "options");
        return self();
    }

    /** Whether the layer adds a bias (true by default). */
    public L useBias(boolean value) {
        checkNotBuilt("change the bias of");
        this.useBias = value;
        return self();
    }

    /** Sets how the kernel is initialised (Glorot uniform by default, as in Keras). */
    public L kernelInitializer(Initializer initializer) {
        checkNotBuilt("change the kernel initializer of");
        this.kernelInitializer = Objects.requireNonNull(initializer, "initializer");
        return self();
    }

    /** Sets how the bias is initialised (zeros by default). */
    public L biasInitializer(Initializer initializer) {
        checkNotBuilt("change the bias initializer of");
        this.biasInitializer = Objects.requireNonNull(initializer, "initializer");
        return self();
    }

    /** Adds a penalty on the kernel to the training loss (none by default). */
    public L kernelRegularizer(Regularizer regularizer) {
        checkNotBuilt("change the kernel regularizer of");
        this.kernelRegularizer = regularizer;
        return self();
    }

    /** Adds a penalty on the bias to the training loss (none by default). */
    public L biasRegularizer(Regularizer regularizer) {
        checkNotBuilt("change the bias regularizer of");
        this.biasRegularizer = regularizer;
        return self();
    }

    @Override
    public L named(String newName) {
        super.named(newName);
        return self();
    }

    @Override
    public L trainable(boolean value) {
        super.trainable(value);
        return self();
    }

    /** The kernel's shape for inputs of {@code channels} channels. */
    abstract Shape kernelShape(int channels);

    /** The convolution of a batch with the kernel, before bias and activation. */
    abstract Tensor convolve(Tensor images, Tensor kernel);

    @Override
    protected void createParameters(Shape inputShape, ParameterFactory factory) {
        Shape shape = kernelShape(inputShape.dim(2));
        int receptiveField = kernelHeight * kernelWidth;
        // Keras's fans for a kernel [kh, kw, a, b]: a and b times the receptive field.
        int fanIn = shape.dim(2) * receptiveField;
        int fanOut = shape.dim(3) * receptiveField;
        kernel = addParameter(factory, "kernel", shape, kernelInitializer, fanIn, fanOut);
        if (kernelRegularizer != null) {
            regularize(kernel, kernelRegularizer);
        }
        if (useBias) {
            bias = addParameter(factory, "bias", Shape.of(filters), biasInitializer, fanIn, fanOut);
            if (biasRegularizer != null) {
                regularize(bias, biasRegularizer);
            }
        }
    }

    @Override
    protected Tensor compute(Tensor input, ForwardContext context) {
        Tensor z = convolve(input, kernel);
        if (useBias) {
            z = Ops.add(z, bias);
        }
        return activation.apply(z);
    }
}
