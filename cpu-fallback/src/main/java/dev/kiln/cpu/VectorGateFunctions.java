package dev.kiln.cpu;

import static dev.kiln.cpu.GateMath.C2;
import static dev.kiln.cpu.GateMath.C3;
import static dev.kiln.cpu.GateMath.C4;
import static dev.kiln.cpu.GateMath.C5;
import static dev.kiln.cpu.GateMath.C6;
import static dev.kiln.cpu.GateMath.C7;
import static dev.kiln.cpu.GateMath.Q0;
import static dev.kiln.cpu.GateMath.Q1;
import static dev.kiln.cpu.GateMath.Q2;
import static dev.kiln.cpu.GateMath.Q3;
import static dev.kiln.cpu.GateMath.Q4;
import static dev.kiln.cpu.GateMath.Q5;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sigmoid and tanh on the Vector API, lane by lane the operations of {@link GateMath} in the same order, so the bits
 * are the scalar ones. A run's tail goes through masked vectors. Loaded only when the JVM has the module
 * {@code jdk.incubator.vector} ({@link GateFunctions#fastest()}).
 */
final class VectorGateFunctions implements GateFunctions {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final VectorMask<Float> ALL = SPECIES.maskAll(true);
    private static final int SIGN = 0x80000000;

    @Override
    public void sigmoid(float[] x, int xAt, float[] out, int outAt, int n) {
        for (int j = 0; j < n; j += LANES) {
            VectorMask<Float> lanes = lanes(j, n);
            sigmoid(FloatVector.fromArray(SPECIES, x, xAt + j, lanes)).intoArray(out, outAt + j, lanes);
        }
    }

    @Override
    public void tanh(float[] x, int xAt, float[] out, int outAt, int n) {
        for (int j = 0; j < n; j += LANES) {
            VectorMask<Float> lanes = lanes(j, n);
            tanh(FloatVector.fromArray(SPECIES, x, xAt + j, lanes)).intoArray(out, outAt + j, lanes);
        }
    }

    @Override
    public void sigmoidOfSum(float[] a, int aAt, float[] b, int bAt, float[] out, int outAt, int n) {
        for (int j = 0; j < n; j += LANES) {
            VectorMask<Float> lanes = lanes(j, n);
            sigmoid(sum(a, aAt + j, b, bAt + j, lanes)).intoArray(out, outAt + j, lanes);
        }
    }

    @Override
    public void tanhOfSum(float[] a, int aAt, float[] b, int bAt, float[] out, int outAt, int n) {
        for (int j = 0; j < n; j += LANES) {
            VectorMask<Float> lanes = lanes(j, n);
            tanh(sum(a, aAt + j, b, bAt + j, lanes)).intoArray(out, outAt + j, lanes);
        }
    }

    @Override
    public String toString() {
        return SPECIES.vectorBitSize() + "-bit vectors of " + LANES + " floats";
    }

    /** All lanes but in a run's tail, where the mask keeps loads and stores inside the run. */
    private static VectorMask<Float> lanes(int j, int n) {
        return j + LANES <= n ? ALL : SPECIES.indexInRange(j, n);
    }

    private static FloatVector sum(float[] a, int aAt, float[] b, int bAt, VectorMask<Float> lanes) {
        return FloatVector.fromArray(SPECIES, a, aAt, lanes).add(FloatVector.fromArray(SPECIES, b, bAt, lanes));
    }

    private static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(SPECIES, 1f).div(exp(x.neg()).add(1f));
    }

    private static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = a.mul(a);
        FloatVector q = z.mul(Q5).add(Q4).mul(z).add(Q3).mul(z).add(Q2).mul(z).add(Q1).mul(z).add(Q0);
        FloatVector small = a.add(a.mul(z).mul(q));
        FloatVector large = FloatVector.broadcast(SPECIES, 1f).sub(
                FloatVector.broadcast(SPECIES, 2f).div(exp(a.mul(2f)).add(1f)));
        FloatVector magnitude = large.blend(small, a.lt(GateMath.TANH_POLYNOMIAL_BELOW));
        IntVector sign = x.reinterpretAsInts().and(SIGN);
        return magnitude.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    private static FloatVector exp(FloatVector x) {
        FloatVector clamped = x.max(GateMath.EXP_MIN).min(GateMath.EXP_MAX);
        FloatVector shifted = clamped.mul(GateMath.LOG2_E).add(GateMath.ROUNDER);
        IntVector n = shifted.reinterpretAsInts().sub(GateMath.ROUNDER_BITS);
        FloatVector nf = shifted.sub(GateMath.ROUNDER);
        FloatVector r = clamped.sub(nf.mul(GateMath.LN2_HI)).sub(nf.mul(GateMath.LN2_LO));
        FloatVector er = r.mul(C7).add(C6).mul(r).add(C5).mul(r).add(C4).mul(r).add(C3).mul(r).add(C2).mul(r).add(1f)
                .mul(r).add(1f);
        FloatVector scale = n.add(126).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return er.mul(scale).mul(2f);
    }
}
