package dev.kiln.check.parity;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the parity suite checks, with the shapes, input ranges and tolerances of each check: every primitive of
 * the {@link dev.kiln.backend.Backend} SPI (each method, each op-enum constant, forward and backward), then every
 * layer and a whole training run built on them.
 */
public final class ParityCatalogue {
    private ParityCatalogue() {
    }

    /** Every check: the primitives, then the layers and the training run. */
    public static List<OpSpec> all() {
        List<OpSpec> specs = new ArrayList<>(primitives());
        specs.addAll(composites());
        return specs;
    }

    /** One spec per Backend primitive and op-enum constant. */
    public static List<OpSpec> primitives() {
        List<OpSpec> specs = new ArrayList<>();
        specs.addAll(MemorySpecs.all());
        specs.addAll(LinearAlgebraSpecs.all());
        specs.addAll(LayoutSpecs.all());
        specs.addAll(WindowSpecs.all());
        specs.addAll(CellSpecs.all());
        specs.addAll(ElementwiseSpecs.all());
        specs.addAll(RowSpecs.all());
        specs.addAll(HistogramSpecs.all());
        specs.addAll(TrainingSpecs.all());
        specs.addAll(DenseSpecs.all());
        return specs;
    }

    /** Checks built on several primitives: every layer, and a whole training run. */
    public static List<OpSpec> composites() {
        List<OpSpec> specs = new ArrayList<>();
        LayerCatalogue.all().forEach(layer -> specs.add(layer.toOpSpec()));
        specs.add(TrainingRunSpec.mlpWithAdam());
        return specs;
    }

    /** A representative subset of everything: at least one small case of every spec, no large shapes. */
    public static List<OpSpec> quick() {
        return quick(all());
    }

    /** The quick cases of {@code specs}. */
    public static List<OpSpec> quick(List<OpSpec> specs) {
        return specs.stream().map(OpSpec::quickOnly).filter(Objects::nonNull).toList();
    }

    /** The full catalogue or the quick subset. */
    public static List<OpSpec> of(boolean quick) {
        return quick ? quick() : all();
    }
}
