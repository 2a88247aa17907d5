package dev.kiln.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.check.GradientCheck;
import dev.kiln.op.Ops;
import dev.kiln.op.ShapeOps;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Dot-product and additive attention against their formulas written out, with masks, causality and gradients. */
class AttentionLayersTest {
    private static final int BATCH = 2;
    private static final int QUERIES = 3;
    private static final int VALUES = 4;
    private static final int DIM = 2;
    private Backend backend;
    private MemoryScope scope;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
        scope = MemoryScope.open();
    }

    @AfterEach
    void close() {
        scope.close();
        backend.close();
    }

    private Tensor values(int steps, double phase) {
        double[] v = new double[BATCH * steps * DIM];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sin(0.9 * i + phase);
        }
        return Tensor.of(backend, DType.F64, Shape.of(BATCH, steps, DIM), v);
    }

    /** softmax over j of score(i, j), hidden where mask[n][j] == 0 or (causal and j > i), then the weighted values. */
    private static double[] reference(boolean additive, double[] scale, double[] q, double[] k, double[] v,
                                      double[] valueMask, double[] queryMask, boolean causal) {
        double[] out = new double[BATCH * QUERIES * DIM];
        for (int n = 0; n < BATCH; n++) {
            for (int i = 0; i < QUERIES; i++) {
                double[] s = new double[VALUES];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < VALUES; j++) {
                    for (int d = 0; d < DIM; d++) {
                        double a = q[(n * QUERIES + i) * DIM + d];
                        double b = k[(n * VALUES + j) * DIM + d];
                        s[j] += additive ? scale[d] * Math.tanh(a + b) : a * b;
                    }
                    if (!additive && scale != null) {
                        s[j] *= scale[0];
                    }
                    boolean hidden = (valueMask != null && valueMask[n * VALUES + j] == 0) || (causal && j > i);
                    s[j] = hidden ? Double.NEGATIVE_INFINITY : s[j];
                    max = Math.max(max, s[j]);
                }
                double total = 0;
                for (int j = 0; j < VALUES; j++) {
                    s[j] = Math.exp(s[j] - max);
                    total += s[j];
                }
                for (int d = 0; d < DIM; d++) {
                    double sum = 0;
                    for (int j = 0; j < VALUES; j++) {
                        sum += s[j] / total * v[(n * VALUES + j) * DIM + d];
                    }
                    out[(n * QUERIES + i) * DIM + d] = queryMask == null || queryMask[n * QUERIES + i] != 0 ? sum : 0;
                }
            }
        }
        return out;
    }

    private AttentionLayer<?> layer(String kind) {
        return switch (kind) {
            case "dot" -> new Attention();
            case "dot-scaled" -> new Attention().useScale(true);
            case "additive" -> new AdditiveAttention();
            default -> new AdditiveAttention().useScale(false);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"dot", "dot-scaled", "additive", "additive-plain"})
    void contextMatchesTheFormulaWithMasksAndCausality(String kind) {
        for (boolean causal : new boolean[] {false, true}) {
            AttentionLayer<?> layer = layer(kind).causal(causal);
            Tensor query = values(QUERIES, 0.1);
            Tensor value = values(VALUES, 0.7);
            Tensor key = values(VALUES, 2.2);
            double[] valueMask = {1, 1, 1, 0, 1, 0, 1, 1};
            double[] queryMask = {1, 1, 0, 1, 1, 1};
            value.withMask(Tensor.of(backend, DType.F64, Shape.of(BATCH, VALUES), valueMask));
            query.withMask(Tensor.of(backend, DType.F64, Shape.of(BATCH, QUERIES), queryMask));
            layer.build(List.of(query.shape().tail(), value.shape().tail(), key.shape().tail()),
                    new ParameterFactory(backend, DType.F64, 3));
            double[] scale = layer.parameters().isEmpty() ? null : layer.parameters().get(0).toDoubleArray();
            if (kind.equals("dot-scaled")) {
                layer.setWeights("scale", new double[] {1.7});
                scale = new double[] {1.7};
            }
            if (kind.equals("additive-plain")) {
                scale = new double[] {1, 1};
            }
            Tensor out = layer.forward(List.of(query, value, key), ForwardContext.inference());
            assertArrayEquals(reference(kind.startsWith("additive"), scale, query.toDoubleArray(), key.toDoubleArray(),
                    value.toDoubleArray(), valueMask, queryMask, causal), out.toDoubleArray(), 1e-12,
                    kind + (causal ? " causal" : ""));
            assertArrayEquals(queryMask, out.mask().toDoubleArray());
        }
    }

    @Test
    void theKeyDefaultsToTheValueAndTheScoresCanBeReturned() {
        Attention layer = new Attention().returnAttentionScores(true);
        Tensor query = values(QUERIES, 0.3);
        Tensor value = values(VALUES, 1.1);
        List<Tensor> out = layer.forwardAll(List.of(query, value), ForwardContext.inference());
        assertEquals(List.of(Shape.of(BATCH, QUERIES, DIM), Shape.of(BATCH, QUERIES, VALUES)),
                out.stream().map(Tensor::shape).toList());
        assertArrayEquals(reference(false, null, query.toDoubleArray(), value.toDoubleArray(), value.toDoubleArray(),
                null, null, false), out.get(0).toDoubleArray(), 1e-12);
        double[] weights = out.get(1).toDoubleArray();
        for (int row = 0; row < BATCH * QUERIES; row++) {
            double sum = 0;
            for (int j = 0; j < VALUES; j++) {
                sum += weights[row * VALUES + j];
            }
            assertEquals(1, sum, 1e-12, "weights of row " + row);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dot-scaled", "additive"})
    void gradientsMatchCentralDifferences(String kind) {
        AttentionLayer<?> layer = layer(kind).returnAttentionScores(true);
        Tensor query = values(QUERIES, 0.4).requiresGrad(true);
        Tensor value = values(VALUES, 1.5).requiresGrad(true);
        Tensor key = values(VALUES, 2.6).requiresGrad(true);
        value.withMask(Tensor.of(backend, DType.F64, Shape.of(BATCH, VALUES), 1, 1, 0, 1, 1, 1, 1, 0));
        layer.build(List.of(query.shape().tail(), value.shape().tail(), key.shape().tail()),
                new ParameterFactory(backend, DType.F64, 3));
        List<Tensor> wrt = new ArrayList<>(List.of(query, value, key));
        wrt.addAll(layer.parameters());
        GradientCheck.withDefaults().check(() -> {
            List<Tensor> out = layer.forwardAll(List.of(query, value, key), ForwardContext.training(0, 0));
            return ShapeOps.concat(List.of(Ops.reshape(out.get(0), Shape.of(BATCH, QUERIES * DIM)),
                    Ops.reshape(out.get(1), Shape.of(BATCH, QUERIES * VALUES))), 1);
        }, wrt).requirePassed();
    }

    @Test
    void mismatchedShapesAreNamed() {
        KilnException e = assertThrows(KilnException.class, () -> new Attention().build(
                List.of(Shape.of(3, 2), Shape.of(4, 5)), new ParameterFactory(backend, DType.F64, 1)));
        assertTrue(e.getMessage().contains("query [batch, Tq, dim]") && e.getMessage().contains("[?, 4, 5]"),
                e.getMessage());
    }
}
