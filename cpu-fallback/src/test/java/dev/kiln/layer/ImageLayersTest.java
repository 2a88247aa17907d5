package dev.kiln.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.model.Sequential;
import dev.kiln.op.Padding2d;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.OnCpuBackend;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Shapes, names, parameters and the errors of the image layers. */
class ImageLayersTest extends OnCpuBackend {

    private long buffersBefore;

    @BeforeEach
    void countBuffers() {
        buffersBefore = backend.liveBuffers();
    }

    @AfterEach
    void nothingLeaks() {
        assertEquals(buffersBefore, backend.liveBuffers(), "every layer's weights are freed when it closes");
    }

    /** The layer's output shape for {@code input}; the layer is closed after. */
    private static Shape outputOf(Layer layer, Shape input) {
        try (layer) {
            return build(layer, input);
        }
    }

    private static Shape build(Layer layer, Shape input) {
        return layer.build(input, new ParameterFactory(backend, DType.F32, 1));
    }

    @Test
    void outputShapesFollowKeras() {
        assertEquals(Shape.of(26, 26, 32), outputOf(new Conv2D(32, 3), Shape.of(28, 28, 1)));
        assertEquals(Shape.of(14, 14, 8), outputOf(new Conv2D(8, 3).strides(2).padding(Padding2d.SAME),
                Shape.of(28, 28, 1)));
        assertEquals(Shape.of(24, 22, 2), outputOf(new Conv2D(2, 3).dilation(2, 3), Shape.of(28, 28, 1)));
        assertEquals(Shape.of(14, 14, 16), outputOf(new Conv2DTranspose(16, 3).strides(2).padding(Padding2d.SAME),
                Shape.of(7, 7, 32)));
        assertEquals(Shape.of(15, 15, 16), outputOf(new Conv2DTranspose(16, 3).strides(2), Shape.of(7, 7, 32)));
        assertEquals(Shape.of(13, 13, 32), outputOf(new MaxPool2D(2), Shape.of(26, 26, 32)));
        assertEquals(Shape.of(14, 14, 3), outputOf(new AvgPool2D(3).strides(2).padding(Padding2d.SAME),
                Shape.of(28, 27, 3)));
        assertEquals(Shape.of(5), outputOf(new GlobalAveragePooling2D(), Shape.of(4, 3, 5)));
        assertEquals(Shape.of(5), outputOf(new GlobalMaxPool2D(), Shape.of(4, 3, 5)));
        assertEquals(Shape.of(8, 9, 5), outputOf(new UpSampling2D(2, 3), Shape.of(4, 3, 5)));
        assertEquals(Shape.of(7, 6, 5), outputOf(new ZeroPadding2D(1, 2, 3, 0), Shape.of(4, 3, 5)));
        assertEquals(Shape.of(28, 28, 1), outputOf(new Reshape(28, 28, 1), Shape.of(28, 28)));
        assertEquals(Shape.of(2, 392), outputOf(new Reshape(2, -1), Shape.of(28, 28)));
    }

    @Test
    void kernelsHaveKerasLayoutsAndNames() {
        Conv2D conv = new Conv2D(4, 3, 2);
        build(conv, Shape.of(8, 8, 3));
        assertEquals(Shape.of(3, 2, 3, 4), conv.weightShape("kernel"));
        assertEquals(Shape.of(4), conv.weightShape("bias"));
        Conv2DTranspose transpose = new Conv2DTranspose(4, 3);
        build(transpose, Shape.of(8, 8, 3));
        assertEquals(Shape.of(3, 3, 4, 3), transpose.weightShape("kernel"));
        assertEquals("conv2d", conv.typeKey());
        assertEquals("conv2d_transpose", transpose.typeKey());
        assertEquals("max_pool2d", new MaxPool2D(2).typeKey());
        assertEquals("global_average_pooling2d", new GlobalAveragePooling2D().typeKey());
        assertEquals("batch_normalization", new BatchNormalization().typeKey());
        conv.close();
        transpose.close();
    }

    @Test
    void errorsNameTheLayerAndTheShapes() {
        String small = assertThrows(KilnException.class, () -> outputOf(new Conv2D(8, 5).named("big"),
                Shape.of(3, 4, 1))).getMessage();
        assertTrue(small.contains("'big'") && small.contains("[?, 3, 4, 1]") && small.contains("5x5"), small);

        String rank = assertThrows(KilnException.class, () -> outputOf(new Conv2D(8, 3), Shape.of(28, 28)))
                .getMessage();
        assertTrue(rank.contains("conv2d") && rank.contains("rank 4") && rank.contains("[?, 28, 28]")
                && rank.contains("Reshape"), rank);

        Conv2D built = new Conv2D(2, 3).named("c");
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor gray = Tensor.zeros(backend, DType.F32, Shape.of(1, 8, 8, 1));
            Tensor color = Tensor.zeros(backend, DType.F32, Shape.of(1, 8, 8, 3));
            built.forward(gray, ForwardContext.inference());
            String channels = assertThrows(KilnException.class,
                    () -> built.forward(color, ForwardContext.inference())).getMessage();
            assertTrue(channels.contains("'c'") && channels.contains("[?, 8, 8, 1]")
                    && channels.contains("[?, 8, 8, 3]"), channels);
        } finally {
            built.close();
        }

        String pool = assertThrows(KilnException.class, () -> outputOf(new MaxPool2D(3), Shape.of(2, 5, 1)))
                .getMessage();
        assertTrue(pool.contains("max_pool2d") && pool.contains("[?, 2, 5, 1]"), pool);
        String reshape = assertThrows(KilnException.class, () -> outputOf(new Reshape(5, -1), Shape.of(28, 28)))
                .getMessage();
        assertTrue(reshape.contains("784") && reshape.contains("[5, -1]"), reshape);
        assertThrows(KilnException.class, () -> new Reshape(-1, -1));
        assertThrows(KilnException.class, () -> new Conv2D(0, 3));
        assertThrows(KilnException.class, () -> new MaxPool2D(2).strides(0));
    }

    @Test
    void aSequentialCnnCountsItsParametersAsKerasDoes() {
        // the Keras MNIST example: 320 + 18,496 + 16,010 = 34,826 parameters
        try (Sequential model = Sequential.on(backend, new Reshape(28, 28, 1),
                new Conv2D(32, 3).activation(ActivationFunction.RELU), new MaxPool2D(2),
                new Conv2D(64, 3).activation(ActivationFunction.RELU), new MaxPool2D(2), new Flatten(),
                new Dropout(0.5), new Dense(10, ActivationFunction.SOFTMAX))) {
            model.build(List.of(Shape.of(28, 28)));
            assertEquals(34_826, model.parameterCount());
            assertEquals(Shape.of(1600), model.layers().get(5).outputShape());
        }
    }
}
