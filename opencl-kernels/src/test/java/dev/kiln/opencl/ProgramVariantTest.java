package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.kiln.backend.DType;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ProgramVariant's written-out equals and hashCode: a variant per combination of its three components. */
class ProgramVariantTest {
    @Test
    void equalComponentsAreEqualAndEveryOtherCombinationDiffers() {
        Set<ProgramVariant> distinct = new HashSet<>();
        Set<Integer> hashes = new HashSet<>();
        for (DType dtype : DType.values()) {
            for (boolean wide : List.of(false, true)) {
                for (boolean gridStride : List.of(false, true)) {
                    ProgramVariant variant = new ProgramVariant(dtype, wide, gridStride);
                    ProgramVariant same = new ProgramVariant(dtype, wide, gridStride);
                    assertEquals(variant, same);
                    assertEquals(variant.hashCode(), same.hashCode());
                    distinct.add(variant);
                    hashes.add(variant.hashCode());
                }
            }
        }
        assertEquals(DType.values().length * 4, distinct.size());
        assertEquals(distinct.size(), hashes.size(), "no two variants share a hash");
        assertNotEquals(new ProgramVariant(DType.F32, false, false), null);
        assertNotEquals(new ProgramVariant(DType.F32, false, false), "F32");
    }
}
