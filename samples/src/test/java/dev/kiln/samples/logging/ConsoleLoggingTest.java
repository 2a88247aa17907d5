package dev.kiln.samples.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kiln command's console format: plain INFO lines and prefixed DEBUG on stdout, prefixed WARN/ERROR on stderr. */
class ConsoleLoggingTest {
    private static final String N = System.lineSeparator();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void captureConsole() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreConsole() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    @Test
    void eachLevelGoesToItsStreamWithItsPrefix() {
        LoggerContext context = configured();
        Logger log = context.getLogger("dev.kiln.test");
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.DEBUG);
        log.info("training '{}' on {}", "xor", "opencl");
        log.debug("first kernel launch, {} ms after the process started", 42);
        log.trace("not shown");
        log.warn("backend '{}' skipped: {}", "opencl", "no device");
        log.error("failed");
        context.stop();

        assertEquals("training 'xor' on opencl" + N + "DEBUG: first kernel launch, 42 ms after the process started" + N,
                text(out));
        assertEquals("WARN: backend 'opencl' skipped: no device" + N + "ERROR: failed" + N, text(err));
    }

    @Test
    void theConsoleStartsAtInfo() {
        LoggerContext context = configured();
        Logger log = context.getLogger("dev.kiln.test");
        log.debug("hidden");
        log.info("shown");
        context.stop();

        assertEquals("shown" + N, text(out));
    }

    @Test
    void aLoggedThrowableFollowsItsMessage() {
        LoggerContext context = configured();
        context.getLogger("dev.kiln.test").warn("cannot write", new IllegalStateException("disk full"));
        context.stop();

        String[] lines = text(err).split(N);
        assertEquals("WARN: cannot write", lines[0]);
        assertEquals("java.lang.IllegalStateException: disk full", lines[1]);
        assertTrue(lines[2].startsWith("\tat dev.kiln.samples.logging.ConsoleLoggingTest."), lines[2]);
    }

    @Test
    void aConfigurationFileNamedByTheUserWins() {
        System.setProperty(ClassicConstants.CONFIG_FILE_PROPERTY, "custom.xml");
        try {
            LoggerContext context = new LoggerContext();
            ConsoleLogging logging = new ConsoleLogging();
            logging.setContext(context);

            assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, logging.configure(context));
            assertFalse(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext());
        } finally {
            System.clearProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
        }
    }

    @Test
    void theLaunchersProviderSetsUpTheSameConsole() {
        ConsoleLoggingProvider provider = new ConsoleLoggingProvider();
        provider.initialize();
        LoggerContext context = (LoggerContext) provider.getLoggerFactory();
        Logger log = context.getLogger("dev.kiln.test");
        log.debug("hidden");
        log.info("training '{}' on {}", "xor", "opencl");
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.DEBUG);
        log.debug("first kernel launch, {} ms after the process started", 42);
        log.warn("backend '{}' skipped: {}", "opencl", "no device");
        context.stop();

        assertEquals("training 'xor' on opencl" + N + "DEBUG: first kernel launch, 42 ms after the process started" + N,
                text(out));
        assertEquals("WARN: backend 'opencl' skipped: no device" + N, text(err));
        assertTrue(provider.getMDCAdapter() instanceof LogbackMDCAdapter);
        assertEquals(provider.getMDCAdapter(), context.getMDCAdapter());
    }

    @Test
    void theLaunchersProviderReadsAConfigurationFileNamedByTheUser(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("custom.xml");
        Files.writeString(file, "<configuration><appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<encoder><pattern>custom %level %msg%n</pattern></encoder></appender>"
                + "<root level=\"INFO\"><appender-ref ref=\"OUT\"/></root></configuration>");
        System.setProperty(ClassicConstants.CONFIG_FILE_PROPERTY, file.toString());
        try {
            ConsoleLoggingProvider provider = new ConsoleLoggingProvider();
            provider.initialize();
            LoggerContext context = (LoggerContext) provider.getLoggerFactory();
            context.getLogger("dev.kiln.test").info("from the file");
            context.stop();
        } finally {
            System.clearProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
        }
        assertEquals("custom INFO from the file" + N, text(out));
    }

    @Test
    void logbackFindsTheConfigurationAsAService() {
        assertTrue(ServiceLoader.load(Configurator.class).stream()
                .anyMatch(provider -> provider.type() == ConsoleLogging.class));
    }

    private static LoggerContext configured() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        ConsoleLogging logging = new ConsoleLogging();
        logging.setContext(context);
        assertEquals(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, logging.configure(context));
        return context;
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
