package dev.kiln.io;

import dev.kiln.backend.DType;
import dev.kiln.tensor.Shape;

/** One tensor listed in a safetensors header: its data lies in bytes [begin, end) of the data section. */
public record SafetensorsEntry(String name, DType dtype, Shape shape, long begin, long end) {

    /** Number of bytes of data. */
    public long byteLength() {
        return end - begin;
    }
}
