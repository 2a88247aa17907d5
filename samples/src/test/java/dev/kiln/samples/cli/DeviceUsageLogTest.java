package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.kiln.KilnSettings;
import dev.kiln.backend.Backends;
import dev.kiln.samples.commandline.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** {@code --verbose} logs the device's memory and transfers after every epoch; a long run must hold them flat. */
class DeviceUsageLogTest {
    private static final Pattern LINE = Pattern.compile(
            "epoch (\\d+): (\\d+) live buffers, (\\d+) bytes in use, (\\d+) bytes pooled;"
                    + " (\\d+) uploads \\((\\d+) bytes\\), (\\d+) downloads \\((\\d+) bytes\\)");
    private static final int EPOCHS = 50;

    @TempDir
    Path dir;

    /** One epoch's line: epoch, live buffers, bytes in use, bytes pooled, uploads, downloads. */
    private record Usage(int epoch, long live, long inUse, long pooled, long uploads, long downloads) {
    }

    private Path table() throws IOException {
        SplittableRandom random = new SplittableRandom(8);
        StringBuilder csv = new StringBuilder("a,b,c,d,label\n");
        for (int i = 0; i < 512; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%.4f,%.4f,%s%n", a, b, random.nextGaussian(),
                    random.nextGaussian(), a * b > 0 ? "same" : "other"));
        }
        return Files.writeString(dir.resolve("signs.csv"), csv);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "opencl"})
    void aLongRunHoldsLiveBuffersAndPooledBytesFlat(String backend) throws IOException {
        boolean available = backend.equals("cpu") || Backends.providers().stream()
                .anyMatch(provider -> provider.name().equals(backend) && provider.probe().available());
        assumeTrue(available || KilnSettings.requireOpenCl(), "no OpenCL device and KILN_REQUIRE_OPENCL unset");
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        CommandRun run;
        try {
            // hidden layers of 256 at batch 64 make arrays large enough for the CPU backend's pool
            run = CommandRun.of("train", "csv", "--file", table().toString(), "--label", "label", "--hidden",
                    "256,256", "--patience", "1000", "--batch-size", "64", "--epochs", String.valueOf(EPOCHS),
                    "--backend", backend, "--out", dir.resolve("run").toString(), "--verbose");
        } finally {
            root.detachAppender(log);
        }
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());

        List<Usage> usage = new ArrayList<>();
        for (ILoggingEvent event : log.list) {
            Matcher m = LINE.matcher(event.getFormattedMessage());
            if (m.find()) {
                usage.add(new Usage(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)),
                        Long.parseLong(m.group(3)), Long.parseLong(m.group(4)), Long.parseLong(m.group(5)),
                        Long.parseLong(m.group(7))));
            }
        }
        assertEquals(EPOCHS, usage.size(), "one line per epoch");
        for (int e = 0; e < EPOCHS; e++) {
            assertEquals(e + 1, usage.get(e).epoch());
        }
        Usage settled = usage.get(1);
        assertTrue(settled.live() > 0 && settled.inUse() > 0, settled.toString());
        assertTrue(settled.pooled() > 0, "the run reuses freed memory: " + settled);
        assertTrue(settled.downloads() > 0, "each epoch reads back its losses: " + settled);
        for (Usage epoch : usage.subList(1, EPOCHS)) {
            assertEquals(settled.live(), epoch.live(), "live buffers after epoch " + epoch.epoch());
            assertEquals(settled.inUse(), epoch.inUse(), "bytes in use after epoch " + epoch.epoch());
            assertEquals(settled.pooled(), epoch.pooled(), "bytes pooled after epoch " + epoch.epoch());
        }
    }
}
