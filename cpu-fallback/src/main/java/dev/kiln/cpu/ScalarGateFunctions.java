package dev.kiln.cpu;

/** Sigmoid and tanh one element at a time, by {@link GateMath}. */
final class ScalarGateFunctions implements GateFunctions {
    @Override
    public void sigmoid(float[] x, int xAt, float[] out, int outAt, int n) {
        for (int j = 0; j < n; j++) {
            out[outAt + j] = GateMath.sigmoid(x[xAt + j]);
        }
    }

    @Override
    public void tanh(float[] x, int xAt, float[] out, int outAt, int n) {
        for (int j = 0; j < n; j++) {
            out[outAt + j] = GateMath.tanh(x[xAt + j]);
        }
    }

    @Override
    public void sigmoidOfSum(float[] a, int aAt, float[] b, int bAt, float[] out, int outAt, int n) {
        for (int j = 0; j < n; j++) {
            out[outAt + j] = GateMath.sigmoid(a[aAt + j] + b[bAt + j]);
        }
    }

    @Override
    public void tanhOfSum(float[] a, int aAt, float[] b, int bAt, float[] out, int outAt, int n) {
        for (int j = 0; j < n; j++) {
            out[outAt + j] = GateMath.tanh(a[aAt + j] + b[bAt + j]);
        }
    }

    @Override
    public String toString() {
        return "scalar";
    }
}
