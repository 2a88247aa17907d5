package dev.kiln.samples.cli;

import dev.kiln.HeapExhaustedException;
import dev.kiln.samples.commandline.ExitCodes;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionStrategy;
import picocli.CommandLine.ParseResult;

/**
 * Runs the command; when the Java heap runs out, one line says how much memory was needed, how much the heap may
 * use, and the {@code KILN_JAVA_OPTS} that gives Kiln more (the {@code kiln} launcher passes it to Java).
 */
final class OutOfMemoryHandler implements IExecutionStrategy {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    /** Heap sizes below a GiB are suggested in steps of this. */
    private static final long SMALL_STEP = 128 * MIB;

    @Override
    public int execute(ParseResult parsed) {
        try {
            return new CommandLine.RunLast().execute(parsed);
        } catch (OutOfMemoryError e) {
            PrintWriter err = parsed.commandSpec().commandLine().getErr();
            err.println("kiln: error: " + message(e));
            err.flush();
            return ExitCodes.FAILURE;
        }
    }

    /** "out of memory: allocate: 400000000 F32 elements needs 1.5 GiB, and the Java heap may use at most ...". */
    static String message(HeapExhaustedException e) {
        long limit = Runtime.getRuntime().maxMemory();
        return "out of memory: " + e.what() + " needs " + ByteSize.of(e.neededBytes()) + ", and the Java heap may use"
                + " at most " + ByteSize.of(limit) + advice(limit + e.neededBytes());
    }

    /** The same for an allocation that did not say its size: the command needs more than the heap's limit. */
    static String message(OutOfMemoryError e) {
        long limit = Runtime.getRuntime().maxMemory();
        return "out of memory (" + e.getMessage() + "): this command needs more than the " + ByteSize.of(limit)
                + " the Java heap may use" + advice(2 * limit);
    }

    /** How to give the heap {@code wanted} bytes, or that this machine has less memory than that. */
    private static String advice(long wanted) {
        long heap = wanted < GIB ? roundUp(wanted, SMALL_STEP) : roundUp(wanted, GIB);
        long physical = physicalMemory();
        if (physical > 0 && heap > physical) {
            return "; that is more than this machine's " + ByteSize.of(physical) + ": use a smaller model or data set";
        }
        String flag = heap < GIB ? heap / MIB + "m" : heap / GIB + "g";
        return ": give Kiln more with KILN_JAVA_OPTS=-Xmx" + flag + " (or more)";
    }

    private static long roundUp(long value, long step) {
        return (value + step - 1) / step * step;
    }

    /** The machine's memory in bytes, or 0 when the JVM does not say. */
    private static long physicalMemory() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean machine ? machine.getTotalMemorySize() : 0;
    }
}
