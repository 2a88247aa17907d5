package dev.kiln.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ShapeTest {

    @Test
    void sizesAndAxes() {
        Shape s = Shape.of(2, 3, 4);
        assertEquals(24, s.size());
        assertEquals(12, s.size(1, 3));
        assertEquals(4, s.dim(-1));
        assertEquals(Shape.of(3, 4), s.tail());
        assertEquals(Shape.of(5, 2, 3, 4), s.prepend(5));
        assertEquals(Shape.of(2, 7, 4), s.withDim(1, 7));
    }

    @Test
    void valueSemantics() {
        assertEquals(Shape.of(2, 3), Shape.of(2, 3));
        assertEquals(Shape.of(2, 3).hashCode(), Shape.of(2, 3).hashCode());
        assertNotEquals(Shape.of(2, 3), Shape.of(3, 2));
        int[] dims = {1, 2};
        Shape s = Shape.of(dims);
        dims[0] = 9;
        assertEquals(1, s.dim(0));
    }

    @Test
    void badAxesAndDimensionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Shape.of(2, 3).dim(2));
        assertThrows(IllegalArgumentException.class, () -> Shape.of(2, 3).dim(-3));
        assertThrows(IllegalArgumentException.class, () -> Shape.of(2, -1));
    }
}
