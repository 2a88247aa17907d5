package dev.kiln.cpu;

/**
 * The squashing functions of activations and recurrent gates, sigmoid and tanh, over runs of F32 values: the CPU
 * backend's most frequent transcendental calls (four per LSTM unit and step), so they get a vector implementation.
 * Every element of a run goes through the same function, whatever its position, so that results do not depend on
 * how a tensor is cut into runs.
 */
interface GateFunctions {
    /** out[outAt + j] = sigmoid(x[xAt + j]) for j in [0, n). */
    void sigmoid(float[] x, int xAt, float[] out, int outAt, int n);

    /** out[outAt + j] = tanh(x[xAt + j]) for j in [0, n). */
    void tanh(float[] x, int xAt, float[] out, int outAt, int n);

    /** out[outAt + j] = sigmoid(a[aAt + j] + b[bAt + j]) for j in [0, n); out may be a or b at the same index. */
    void sigmoidOfSum(float[] a, int aAt, float[] b, int bAt, float[] out, int outAt, int n);

    /** out[outAt + j] = tanh(a[aAt + j] + b[bAt + j]) for j in [0, n); out may be a or b at the same index. */
    void tanhOfSum(float[] a, int aAt, float[] b, int bAt, float[] out, int outAt, int n);

    /**
     * The vector implementation (the JDK's SVML intrinsics on x86: tanh within half an ulp, sigmoid within 2 ulp
     * like the scalar one) when the JVM has the Vector API module and {@code kiln.cpu.vector} is not "off"; else
     * the scalar one. The two differ in the last bit of some results.
     */
    static GateFunctions fastest() {
        return VectorKernels.fastest("sigmoid and tanh", GateFunctions.class, "dev.kiln.cpu.VectorGateFunctions",
                ScalarGateFunctions::new);
    }
}
