package dev.kiln.monitor;

import dev.kiln.KilnException;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a TensorBoard event file: one {@code Event} per record, the first naming the file version. Records go to the
 * operating system as they are written; {@link #flush()} also forces them to the disk.
 */
public final class EventFileWriter implements Closeable {
    private static final String FILE_VERSION = "brain.Event:2";
    private static final int DT_STRING = 7;
    // tells two writers apart when they open files in one directory within the same second
    private static final AtomicInteger OPENED = new AtomicInteger();

    private final Path file;
    private final FileChannel channel;

    /** Creates {@code directory} if needed and opens a new event file in it. */
    public EventFileWriter(Path directory) {
        long seconds = System.currentTimeMillis() / 1000;
        // TensorBoard finds files by the "tfevents" in their name; host, process and counter keep names unique
        String name = "events.out.tfevents." + seconds + "." + hostName() + "." + ProcessHandle.current().pid()
                + "." + OPENED.incrementAndGet();
        this.file = directory.resolve(name);
        try {
            Files.createDirectories(directory);
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new KilnException("cannot create a TensorBoard event file in " + directory + ": " + e, e);
        }
        write(event(0).stringField(3, FILE_VERSION));
    }

    /** The file being written. */
    public Path file() {
        return file;
    }

    /** Records a scalar; TensorBoard stores it as a float. */
    public void scalar(String tag, long step, double value) {
        ProtoWriter entry = new ProtoWriter().stringField(1, tag).floatField(2, (float) value);
        write(summary(step, entry));
    }

    /** Records a histogram. */
    public void histogram(String tag, long step, Histogram histogram) {
        ProtoWriter histo = new ProtoWriter()
                .doubleField(1, histogram.min())
                .doubleField(2, histogram.max())
                .doubleField(3, histogram.count())
                .doubleField(4, histogram.sum())
                .doubleField(5, histogram.sumSquares())
                .packedDoubles(6, histogram.bucketLimits())
                .packedDoubles(7, histogram.counts());
        write(summary(step, new ProtoWriter().stringField(1, tag).messageField(5, histo)));
    }

    /** Records a text (Markdown) as the text plugin reads it: a scalar string tensor. */
    public void text(String tag, long step, String text) {
        ProtoWriter plugin = new ProtoWriter().stringField(1, "text");
        ProtoWriter metadata = new ProtoWriter().messageField(1, plugin);
        ProtoWriter tensor = new ProtoWriter()
                .varintField(1, DT_STRING)
                .messageField(2, new ProtoWriter())
                .bytesField(8, text.getBytes(StandardCharsets.UTF_8));
        write(summary(step, new ProtoWriter().stringField(1, tag).messageField(8, tensor).messageField(9, metadata)));
    }

    /** Forces what was written to the disk. */
    public void flush() {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new KilnException("cannot flush TensorBoard events to " + file + ": " + e, e);
        }
    }

    @Override
    public void close() {
        try (channel) {
            channel.force(false);
        } catch (IOException e) {
            throw new KilnException("cannot close TensorBoard event file " + file + ": " + e, e);
        }
    }

    private static ProtoWriter event(long step) {
        return new ProtoWriter().doubleField(1, System.currentTimeMillis() / 1000.0).varintField(2, step);
    }

    private static ProtoWriter summary(long step, ProtoWriter value) {
        return event(step).messageField(5, new ProtoWriter().messageField(1, value));
    }

    private void write(ProtoWriter event) {
        ByteBuffer record = ByteBuffer.wrap(RecordFraming.frame(event.toByteArray()));
        try {
            while (record.hasRemaining()) {
                channel.write(record);
            }
        } catch (IOException e) {
            throw new KilnException("cannot write TensorBoard events to " + file + ": " + e, e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (IOException e) {
            return "localhost";
        }
    }
}
