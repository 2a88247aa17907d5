package dev.kiln.monitor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** The scalars of a TensorBoard run directory, decoded independently of the writer. */
final class Scalars {
    private Scalars() {
    }

    /** Tag to step to value, over every file of {@code run}; fails on a tag written twice at one step. */
    static Map<String, Map<Long, Float>> of(Path run) throws Exception {
        Map<String, Map<Long, Float>> byTag = new TreeMap<>();
        for (EventDecoder.Event e : EventDecoder.readDirectory(run)) {
            for (EventDecoder.Value v : e.values()) {
                if (v.simpleValue() != null) {
                    Float previous = byTag.computeIfAbsent(v.tag(), t -> new TreeMap<>())
                            .put(e.step(), v.simpleValue());
                    assertTrue(previous == null, "tag " + v.tag() + " written twice at step " + e.step());
                }
            }
        }
        return byTag;
    }
}
