package dev.kiln.io;

import dev.kiln.KilnException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash-safe file writes: content goes to a temporary file in the target's directory, is forced to disk, and
 * then replaces the target in one atomic rename, so a reader sees the old file or the new one, never a part.
 */
public final class AtomicFiles {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);

    /** Writes a file's content to a stream; the stream must not be closed by the writer. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Replaces {@code target} atomically with what {@code content} writes. */
    public static void write(Path target, Content content) {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Path temporary = null;
        try {
            Files.createDirectories(directory);
            temporary = Files.createTempFile(directory, "." + absolute.getFileName(), ".tmp");
            writeDurably(temporary, content);
            move(temporary, absolute);
            temporary = null;
            syncDirectory(directory);
        } catch (IOException e) {
            throw new KilnException(target.getFileName() + ": cannot write: " + e, e);
        } finally {
            if (temporary != null) {
                deleteQuietly(temporary);
            }
        }
    }

    /** Writes {@code file} (creating or truncating it) and forces its content to disk before returning. */
    public static void writeDurably(Path file, Content content) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            content.writeTo(out);
            out.flush();
            channel.force(true);
        }
    }

    /**
     * Renames {@code source} to {@code target} atomically, replacing it; where the file system cannot rename
     * atomically, falls back to a plain replacing move and says so in a WARN line.
     */
    public static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            LOG.warn("{}: the file system cannot rename atomically; replacing it non-atomically", target);
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Forces a directory's entries (new names, renames) to disk where the platform allows it. */
    public static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some platforms cannot open or force a directory; the rename itself is still atomic there
            LOG.debug("cannot force directory {}: {}", directory, e.toString());
        }
    }

    /** Deletes {@code file} if it exists, logging instead of failing. */
    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete temporary file {}: {}", file, e.toString());
        }
    }
}
