package dev.kiln.io;

import dev.kiln.backend.DType;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Constants of the safetensors format shared by its reader and writer. */
final class SafetensorsFormat {
    /** The largest header accepted, as in the reference implementation. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";
    static final String DTYPE = "dtype";
    static final String SHAPE = "shape";
    static final String DATA_OFFSETS = "data_offsets";

    private static final Map<String, DType> SUPPORTED = Map.of("F32", DType.F32, "F64", DType.F64);
    /** Dtypes the format defines that Kiln does not compute in. */
    private static final Set<String> OTHER_KNOWN = Set.of("BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16",
            "F16", "BF16", "I32", "U32", "I64", "U64");

    private SafetensorsFormat() {
    }

    static String name(DType dtype) {
        return dtype.name();
    }

    static Optional<DType> dtype(String name) {
        return Optional.ofNullable(SUPPORTED.get(name));
    }

    static boolean isOtherKnown(String name) {
        return OTHER_KNOWN.contains(name);
    }
}
