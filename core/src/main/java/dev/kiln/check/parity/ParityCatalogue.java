package dev.kiln.check.parity;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every op of the {@link dev.kiln.backend.Backend} SPI with the shapes, input ranges and tolerances its parity
 * check uses: each method, each op-enum constant, forward and backward.
 */
public final class ParityCatalogue {
    private ParityCatalogue() {
    }

    /** The full catalogue. */
    public static List<OpSpec> all() {
        List<OpSpec> specs = new ArrayList<>();
        specs.addAll(MemorySpecs.all());
        specs.addAll(LinearAlgebraSpecs.all());
        specs.addAll(ElementwiseSpecs.all());
        specs.addAll(RowSpecs.all());
        specs.addAll(TrainingSpecs.all());
        return specs;
    }

    /** A representative subset: at least one small case of every spec, no large shapes. */
    public static List<OpSpec> quick() {
        return all().stream().map(OpSpec::quickOnly).filter(Objects::nonNull).toList();
    }

    /** The full catalogue or the quick subset. */
    public static List<OpSpec> of(boolean quick) {
        return quick ? quick() : all();
    }
}
