package dev.kiln.data;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The samples {@code [from, to)} of a data set cut into mini-batches, in order or in a seeded shuffled order.
 * Shuffling permutes an index array; batches are gathered into one reusable host buffer (plus one for a
 * shorter last batch) and uploaded, so no epoch copies the data set. The last partial batch is used. Label arrays
 * of class indices are uploaded as I32 tensors, converted from the gathered numbers at this boundary.
 */
public final class MiniBatches {
    private final Dataset data;
    private final int from;
    private final int[] order;
    private final int batchSize;
    private final Backend backend;
    private final DType dtype;
    private final List<DType> labelTypes;
    private final HostBuffer full;
    private HostBuffer partial;

    /**
     * Batches of {@code batchSize} over samples [from, to) of {@code data} on {@code backend} in {@code dtype}; the
     * label arrays that {@link Dataset#holdsClassIndices hold class indices} are I32.
     */
    public MiniBatches(Dataset data, int from, int to, int batchSize, Backend backend, DType dtype) {
        this(data, from, to, batchSize, backend, dtype, defaultLabelTypes(data, dtype));
    }

    /**
     * As {@link #MiniBatches(Dataset, int, int, int, Backend, DType)}, with label array i uploaded as
     * {@code labelTypes.get(i)}: {@code dtype}, or I32 for class indices (which must then be whole numbers).
     */
    public MiniBatches(Dataset data, int from, int to, int batchSize, Backend backend, DType dtype,
                       List<DType> labelTypes) {
        if (!dtype.isReal()) {
            throw new KilnException("batches hold features in F32 or F64, got " + dtype);
        }
        if (labelTypes.size() != data.labelShapes().size()) {
            throw new KilnException("the data set has " + data.labelShapes().size() + " label arrays, got "
                    + labelTypes.size() + " label dtypes");
        }
        for (DType type : labelTypes) {
            if (type != dtype && type != DType.I32) {
                throw new KilnException("label dtypes must be the batches' dtype " + dtype + " or I32, got " + labelTypes);
            }
        }
        if (batchSize <= 0) {
            throw new KilnException("batch size must be positive, got " + batchSize);
        }
        if (from < 0 || to > data.size() || from >= to) {
            throw new KilnException("cannot batch samples [" + from + ", " + to + ") of a data set of "
                    + data.size() + " samples");
        }
        this.data = data;
        this.from = from;
        this.order = new int[to - from];
        for (int i = 0; i < order.length; i++) {
            order[i] = from + i;
        }
        this.batchSize = batchSize;
        this.backend = backend;
        this.dtype = dtype;
        this.labelTypes = List.copyOf(labelTypes);
        this.full = new HostBuffer(Math.min(batchSize, order.length));
    }

    private MiniBatches(MiniBatches shared, Backend backend) {
        this.data = shared.data;
        this.from = shared.from;
        this.order = shared.order;
        this.batchSize = shared.batchSize;
        this.backend = backend;
        this.dtype = shared.dtype;
        this.labelTypes = shared.labelTypes;
        this.full = new HostBuffer(Math.min(batchSize, order.length));
    }

    /**
     * The same batches loaded onto {@code device}: they share this object's sample order, so shuffling either
     * reorders both. Each device of a fit on several devices loads its slices of every batch through one.
     */
    public MiniBatches onDevice(Backend device) {
        return new MiniBatches(this, device);
    }

    /** Label array i as the data set declares it: I32 when it holds class indices, else {@code dtype}. */
    public static List<DType> defaultLabelTypes(Dataset data, DType dtype) {
        List<DType> types = new ArrayList<>();
        for (int i = 0; i < data.labelShapes().size(); i++) {
            types.add(data.holdsClassIndices(i) ? DType.I32 : dtype);
        }
        return types;
    }

    /** The dtype each label array is uploaded in. */
    public List<DType> labelTypes() {
        return labelTypes;
    }

    /** Number of samples covered. */
    public int sampleCount() {
        return order.length;
    }

    /** Number of batches, the last one possibly partial. */
    public int batchCount() {
        return (order.length + batchSize - 1) / batchSize;
    }

    /** Number of samples in batch {@code index}. */
    public int batchSize(int index) {
        return Math.min(batchSize, order.length - index * batchSize);
    }

    /**
     * Puts the samples in the random order given by {@code seed} alone (Fisher-Yates from the in-order range),
     * so any epoch's order can be recomputed from its seed.
     */
    public void shuffle(long seed) {
        for (int i = 0; i < order.length; i++) {
            order[i] = from + i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** Batch {@code index} on the device; its tensors belong to the memory scope open now. */
    public Batch load(int index) {
        int count = batchSize(index);
        HostBuffer host = count == full.count ? full : partialOf(count);
        return host.load(index * batchSize);
    }

    /**
     * The {@code count} samples of batch {@code index} from its {@code offset}-th on, on the device; its tensors
     * belong to the memory scope open now.
     */
    public Batch load(int index, int offset, int count) {
        int size = batchSize(index);
        if (offset < 0 || count <= 0 || offset + count > size) {
            throw new KilnException("cannot load samples [" + offset + ", " + (offset + count) + ") of batch "
                    + index + ", which holds " + size);
        }
        HostBuffer host = count == full.count ? full : partialOf(count);
        return host.load(index * batchSize + offset);
    }

    private HostBuffer partialOf(int count) {
        if (partial == null || partial.count != count) {
            partial = new HostBuffer(count);
        }
        return partial;
    }

    /** Host arrays for batches of one size, one per feature and label array, in the model's dtype. */
    private final class HostBuffer {
        private final int count;
        private final List<Shape> featureShapes;
        private final List<Shape> labelShapes;
        private final float[][] featuresF32;
        private final float[][] labelsF32;
        private final double[][] featuresF64;
        private final double[][] labelsF64;
        private final int[][] labelsI32;

        HostBuffer(int count) {
            this.count = count;
            this.featureShapes = data.featureShapes().stream().map(s -> s.prepend(count)).toList();
            this.labelShapes = data.labelShapes().stream().map(s -> s.prepend(count)).toList();
            boolean single = dtype == DType.F32;
            this.featuresF32 = single ? floats(featureShapes) : null;
            this.labelsF32 = single ? floats(labelShapes) : null;
            this.featuresF64 = single ? null : doubles(featureShapes);
            this.labelsF64 = single ? null : doubles(labelShapes);
            this.labelsI32 = new int[labelShapes.size()][];
            for (int i = 0; i < labelsI32.length; i++) {
                if (labelTypes.get(i) == DType.I32) {
                    labelsI32[i] = new int[Math.toIntExact(labelShapes.get(i).size())];
                }
            }
        }

        Batch load(int start) {
            List<Tensor> inputs = new ArrayList<>();
            List<Tensor> targets = new ArrayList<>();
            if (featuresF32 != null) {
                gather(start, count, featuresF32, labelsF32);
                for (int i = 0; i < featuresF32.length; i++) {
                    inputs.add(Tensor.of(backend, featureShapes.get(i), featuresF32[i]));
                }
                for (int i = 0; i < labelsF32.length; i++) {
                    targets.add(labelsI32[i] != null ? classIndices(i, start, labelsF32[i])
                            : Tensor.of(backend, labelShapes.get(i), labelsF32[i]));
                }
            } else {
                gather(start, count, featuresF64, labelsF64);
                for (int i = 0; i < featuresF64.length; i++) {
                    inputs.add(Tensor.of(backend, featureShapes.get(i), featuresF64[i]));
                }
                for (int i = 0; i < labelsF64.length; i++) {
                    targets.add(labelsI32[i] != null ? classIndices(i, start, labelsF64[i])
                            : Tensor.of(backend, labelShapes.get(i), labelsF64[i]));
                }
            }
            return new Batch(inputs, targets, count);
        }

        private Tensor classIndices(int array, int start, float[] values) {
            int[] out = labelsI32[array];
            for (int k = 0; k < out.length; k++) {
                out[k] = classIndex(array, start, k, values[k]);
            }
            return Tensor.of(backend, labelShapes.get(array), out);
        }

        private Tensor classIndices(int array, int start, double[] values) {
            int[] out = labelsI32[array];
            for (int k = 0; k < out.length; k++) {
                out[k] = classIndex(array, start, k, values[k]);
            }
            return Tensor.of(backend, labelShapes.get(array), out);
        }

        private int classIndex(int array, int start, int k, double value) {
            if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
                int width = Math.max(1, labelsI32[array].length / count);
                throw new KilnException("label array " + array + " holds class indices, but sample "
                        + order[start + k / width] + " has the label " + value + ", not a whole number");
            }
            return (int) value;
        }
    }

    // the devices of a fit on several devices gather on their own threads; a data set need not be thread-safe
    private void gather(int start, int count, float[][] features, float[][] labels) {
        synchronized (data) {
            data.gather(order, start, count, features, labels);
        }
    }

    private void gather(int start, int count, double[][] features, double[][] labels) {
        synchronized (data) {
            data.gather(order, start, count, features, labels);
        }
    }

    private static float[][] floats(List<Shape> shapes) {
        float[][] arrays = new float[shapes.size()][];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = new float[Math.toIntExact(shapes.get(i).size())];
        }
        return arrays;
    }

    private static double[][] doubles(List<Shape> shapes) {
        double[][] arrays = new double[shapes.size()][];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = new double[Math.toIntExact(shapes.get(i).size())];
        }
        return arrays;
    }
}
