package dev.kiln.opencl;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.io.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gemm tunings found by {@code kiln tune} on this machine, one small properties file per device, driver, dtype and
 * gemm source, beside the binary cache. A file that does not parse, or holds a value outside what the kernels
 * accept, is ignored with a warning (the built-in table then applies), never trusted.
 */
final class GemmTuningStore {
    private static final Logger LOG = LoggerFactory.getLogger(GemmTuningStore.class);
    private static final long MAX_FILE_BYTES = 1 << 16;
    private static final Set<Integer> VECTOR_WIDTHS = Set.of(1, 2, 4, 8, 16);
    private static final Set<Integer> TILES = Set.of(8, 16, 32, 64);

    private final Path directory;

    GemmTuningStore(Path directory) {
        this.directory = directory;
    }

    /** The store in the {@code tuning} folder of the binary cache directory, or null when the cache is "off". */
    static GemmTuningStore in(String cacheDirectory) {
        return cacheDirectory == null || cacheDirectory.equalsIgnoreCase("off") ? null
                : new GemmTuningStore(Path.of(cacheDirectory, "tuning"));
    }

    /**
     * The file of {@code device}'s tuning in {@code dtype}, named by what it is valid for: the device as the binary
     * cache keys it, the type it is treated as (GPU emulation), the dtype and the gemm kernels' source.
     */
    Path path(ClDevice device, DType dtype) {
        String gemmSource = ProgramSource.of(KernelFamily.GEMM, dtype.name(), Map.of()).text();
        CacheKey key = CacheKey.of(device.info().name(), device.info().vendor(), device.info().driverVersion(),
                device.versions(), device.info().type(), Boolean.toString(device.emulatedGpu()), dtype.name(),
                gemmSource);
        return directory.resolve("gemm-" + key.name() + ".properties");
    }

    /** The stored tuning, or empty when there is none or it is invalid. */
    Optional<GemmTuning> read(ClDevice device, DType dtype) {
        Path file = path(device, dtype);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new KilnException("larger than " + MAX_FILE_BYTES + " bytes");
            }
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
            return Optional.of(parse(properties));
        } catch (IOException | IllegalArgumentException | KilnException e) {
            LOG.warn("ignoring the gemm tuning in {} (the built-in one applies; run `kiln tune` again): {}", file,
                    e.getMessage());
            return Optional.empty();
        }
    }

    /** Stores {@code tuning} atomically, with {@code notes} (what was measured) as extra keys; returns the file. */
    Path write(ClDevice device, DType dtype, GemmTuning tuning, Map<String, String> notes) {
        Map<String, String> values = new TreeMap<>(notes);
        values.putAll(format(tuning));
        values.put("device", device.info().name());
        values.put("driver", device.info().driverVersion());
        values.put("dtype", dtype.name());
        Path file = path(device, dtype);
        AtomicFiles.write(file, out -> {
            StringBuilder text = new StringBuilder("# gemm tuning measured by kiln tune; delete to use the built-in one\n");
            values.forEach((key, value) -> text.append(key).append('=').append(escape(value)).append('\n'));
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        });
        return file;
    }

    static Map<String, String> format(GemmTuning t) {
        Map<String, String> values = new TreeMap<>();
        values.put("registerBlocked", Boolean.toString(t.registerBlocked()));
        values.put("rows", Integer.toString(t.rows()));
        values.put("vectorWidth", Integer.toString(t.vectorWidth()));
        values.put("vectors", Integer.toString(t.vectors()));
        values.put("groupRows", Integer.toString(t.groupRows()));
        values.put("groupColumns", Integer.toString(t.groupColumns()));
        values.put("depthBlock", Integer.toString(t.depthBlock()));
        values.put("tile", Integer.toString(t.tile()));
        values.put("workPerItem", Integer.toString(t.workPerItem()));
        values.put("generalBelow", Long.toString(t.generalBelow()));
        return values;
    }

    /** The tuning in {@code p}, every value checked against what the gemm kernels accept. */
    static GemmTuning parse(Properties p) {
        String blocked = required(p, "registerBlocked");
        if (!blocked.equals("true") && !blocked.equals("false")) {
            throw new KilnException("registerBlocked is '" + blocked + "', expected true or false");
        }
        int vectorWidth = number(p, "vectorWidth", 1, 16);
        if (!VECTOR_WIDTHS.contains(vectorWidth)) {
            throw new KilnException("vectorWidth is " + vectorWidth + ", expected one of " + VECTOR_WIDTHS);
        }
        int tile = number(p, "tile", 8, 64);
        if (!TILES.contains(tile)) {
            throw new KilnException("tile is " + tile + ", expected one of " + TILES);
        }
        int workPerItem = number(p, "workPerItem", 1, tile);
        if (tile % workPerItem != 0) {
            throw new KilnException("workPerItem " + workPerItem + " does not divide the tile " + tile);
        }
        return new GemmTuning(Boolean.parseBoolean(blocked), number(p, "rows", 1, 16), vectorWidth,
                number(p, "vectors", 1, 8), number(p, "groupRows", 1, 64), number(p, "groupColumns", 1, 64),
                number(p, "depthBlock", 0, 1 << 20), tile, workPerItem, number(p, "generalBelow", 0, 1 << 30));
    }

    private static int number(Properties p, String key, int min, int max) {
        String text = required(p, key);
        int value;
        try {
            value = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new KilnException(key + " is '" + text + "', expected a whole number");
        }
        if (value < min || value > max) {
            throw new KilnException(key + " is " + value + ", expected " + min + " to " + max);
        }
        return value;
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new KilnException("no " + key);
        }
        return value;
    }

    /** A properties value: backslashes doubled and line breaks escaped, so a driver string cannot add keys. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }
}
