package dev.kiln.data.preprocess;

import dev.kiln.KilnException;

/** Class labels in the two layouts the losses take: one-hot rows or one class index per sample (sparse). */
public final class Labels {
    private Labels() {
    }

    /** Row {@code i} is all zeros but a 1 at column {@code classes[i]}: shape {@code [n, classCount]}. */
    public static float[] oneHot(int[] classes, int classCount) {
        check(classes, classCount);
        float[] out = new float[classes.length * classCount];
        for (int i = 0; i < classes.length; i++) {
            out[i * classCount + classes[i]] = 1;
        }
        return out;
    }

    /**
     * The class indices, checked against {@code classCount} and copied, shape {@code [n]}, for sparse categorical
     * losses: they stay ints, and a data set's int labels reach the device as I32 tensors.
     */
    public static int[] sparse(int[] classes, int classCount) {
        check(classes, classCount);
        return classes.clone();
    }

    private static void check(int[] classes, int classCount) {
        if (classCount <= 0) {
            throw new KilnException("class count " + classCount + " must be positive");
        }
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] < 0 || classes[i] >= classCount) {
                throw new KilnException("label " + i + " is class " + classes[i] + ", expected 0 to "
                        + (classCount - 1));
            }
        }
    }
}
