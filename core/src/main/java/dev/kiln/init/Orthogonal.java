package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.backend.Distribution;
import dev.kiln.op.InPlaceOps;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * A (semi-)orthogonal matrix times {@code gain}, Keras's default for recurrent kernels: the parameter seen as
 * [product of all axes but the last, last axis] has orthonormal rows or columns, whichever are fewer. As in Keras
 * (after Saxe et al., 2014), a standard normal matrix is drawn (by the backend's generator, so every backend draws
 * the same), decomposed into Q R, and Q's columns are signed by R's diagonal so that the result is uniformly
 * distributed.
 *
 * @param gain the factor applied to the orthogonal matrix
 */
public record Orthogonal(double gain) implements Initializer {

    public Orthogonal {
        if (!Double.isFinite(gain)) {
            throw new KilnException("orthogonal initializer: the gain must be finite, got " + gain);
        }
    }

    @Override
    public void initialize(Tensor parameter, int fanIn, int fanOut, long seed) {
        if (parameter.rank() < 2) {
            throw new KilnException("orthogonal initializer: needs a parameter of rank 2 or more, got "
                    + parameter.shape() + (parameter.name() == null ? "" : " for '" + parameter.name() + "'"));
        }
        int cols = parameter.shape().dim(-1);
        int rows = Math.toIntExact(parameter.size() / cols);
        boolean wide = rows < cols;
        int tall = Math.max(rows, cols);
        int narrow = Math.min(rows, cols);
        double[] drawn;
        try (Tensor normal = Tensor.empty(parameter.backend(), parameter.dtype(), Shape.of(tall, narrow))) {
            InPlaceOps.random(normal, Distribution.NORMAL, seed, 0, 1);
            drawn = normal.toDoubleArray();
        }
        DMatrixRMaj q = orthonormalColumns(new DMatrixRMaj(tall, narrow, true, drawn));
        double[] values = new double[rows * cols];
        for (int i = 0; i < tall; i++) {
            for (int j = 0; j < narrow; j++) {
                double v = gain * q.get(i, j);
                values[wide ? j * cols + i : i * cols + j] = v;
            }
        }
        try (Tensor source = Tensor.of(parameter.backend(), parameter.dtype(), parameter.shape(), values)) {
            InPlaceOps.assign(parameter, source);
        }
    }

    /** Q of the thin QR decomposition of {@code a} [m, n], m >= n, its columns signed so that R's diagonal is positive. */
    private static DMatrixRMaj orthonormalColumns(DMatrixRMaj a) {
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(a.numRows, a.numCols);
        if (!qr.decompose(a.copy())) {
            throw new KilnException("orthogonal initializer: the QR decomposition of a " + a.numRows + "x" + a.numCols
                    + " normal matrix failed");
        }
        DMatrixRMaj q = qr.getQ(null, true);
        DMatrixRMaj r = qr.getR(null, true);
        for (int j = 0; j < q.numCols; j++) {
            double sign = r.get(j, j) < 0 ? -1 : 1;
            for (int i = 0; i < q.numRows; i++) {
                q.set(i, j, sign * q.get(i, j));
            }
        }
        return q;
    }
}
