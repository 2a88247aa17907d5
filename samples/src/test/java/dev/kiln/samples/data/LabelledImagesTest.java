package dev.kiln.samples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledImagesTest {
    @TempDir
    Path dir;

    @Test
    void pixelsAreScaledToTheUnitIntervalAndLabelsKept() {
        TinySets.write(dir, ".gz");
        LabelledImages test = LabelledImages.read(dir, TinySets.TEST, 10);
        assertEquals(2, test.count());
        assertEquals(2, test.height());
        assertArrayEquals(new int[] {2, 1}, test.labels());
        assertEquals(8, test.pixels().length);
        assertEquals(117 / 255f, test.pixels()[1], 1e-7f);
    }

    @Test
    void labelsOutsideTheClassRangeAreAnError() {
        TinySets.write(dir, "");
        KilnException e = assertThrows(KilnException.class, () -> LabelledImages.read(dir, TinySets.TRAIN, 2));
        assertTrue(e.getMessage().contains("label 2 is 2, expected 0 to 1"), e.getMessage());
    }
}
