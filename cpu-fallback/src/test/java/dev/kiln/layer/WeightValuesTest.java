package dev.kiln.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.tensor.Shape;
import dev.kiln.testing.InScopeOnCpuBackend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading and writing weights from Java arrays, by layer and weight name, with their shapes checked. */
class WeightValuesTest extends InScopeOnCpuBackend {

    @Test
    void aDenseLayerTakesItsKernelAsRowsAndItsBiasAsValues() {
        try (Sequential model = Sequential.on(backend, new Dense(2), new Dense(1)).dtype(DType.F64)) {
            model.build(Shape.of(3));
            Dense first = (Dense) model.layers().get(0);
            first.setWeights("kernel", new double[][] {{1, 0}, {0, 1}, {1, 1}});
            first.setWeights("bias", new double[] {0.5, -0.5});
            model.setWeights(Map.of("dense_2/kernel", new double[] {2, -1}, "dense_2/bias", new double[] {1}));
            // h = [1 + 3 + 0.5, 2 + 3 - 0.5] = [4.5, 4.5]; y = 2 * 4.5 - 4.5 + 1 = 5.5
            assertArrayEquals(new double[] {5.5}, model.predict(new double[][] {{1, 2, 3}})[0], 1e-12);
            assertArrayEquals(new double[] {1, 0, 0, 1, 1, 1}, first.getWeights("kernel"), 0);
            assertEquals(Shape.of(3, 2), first.weightShape("kernel"));
            assertEquals(List.of("dense_1/kernel", "dense_1/bias", "dense_2/kernel", "dense_2/bias"),
                    List.copyOf(model.getWeights().keySet()));
            assertArrayEquals(new double[] {2, -1}, model.getWeights("dense_2/kernel"), 0);
        }
    }

    @Test
    void shapesAndNamesAreChecked() {
        try (Dense dense = new Dense(2).named("head")) {
            dense.build(Shape.of(3), new ParameterFactory(backend, DType.F32, 0));
            KilnException count = assertThrows(KilnException.class, () -> dense.setWeights("bias", new double[3]));
            assertTrue(count.getMessage().contains("'bias'") && count.getMessage().contains("'head'")
                    && count.getMessage().contains("[2]") && count.getMessage().contains("3 values"), count.getMessage());
            KilnException rows = assertThrows(KilnException.class,
                    () -> dense.setWeights("kernel", new double[][] {{1, 2}, {3, 4}}));
            assertTrue(rows.getMessage().contains("[3, 2]") && rows.getMessage().contains("2 rows"), rows.getMessage());
            KilnException name = assertThrows(KilnException.class,
                    () -> dense.setWeights(Map.of("kernel", new double[6], "weights", new double[1])));
            assertTrue(name.getMessage().contains("'weights'") && name.getMessage().contains("[kernel, bias]"),
                    name.getMessage());
            assertArrayEquals(new double[2], dense.getWeights("bias"), 0, "a rejected map writes nothing");
        }
    }

    @Test
    void aNestedModelNamesItsLayersWeightsAndStateByPath() {
        Sequential inner = new Sequential(new Dense(2), new BatchNormalization()).named("encoder");
        SymbolicTensor x = Input.of("x", 2);
        try (Model model = Model.on(backend, List.of(x), List.of(inner.call(x))).dtype(DType.F64)) {
            model.build(Shape.of(2));
            assertTrue(model.getWeights().containsKey("encoder/batch_normalization_1/moving_variance"));
            model.setWeights("encoder/dense_1/kernel", new double[][] {{1, 0}, {0, 1}});
            model.setWeights("encoder/dense_1/bias", new double[] {0, 0});
            model.setWeights("encoder/batch_normalization_1/moving_mean", new double[] {1, 2});
            model.setWeights("encoder/batch_normalization_1/moving_variance", new double[] {4, 9});
            double[] y = model.predict(new double[][] {{3, 8}})[0];
            assertArrayEquals(new double[] {2 / Math.sqrt(4.001), 6 / Math.sqrt(9.001)}, y, 1e-12);
            assertArrayEquals(new double[] {1, 2}, inner.getWeights("batch_normalization_1/moving_mean"), 0);
        }
    }
}
