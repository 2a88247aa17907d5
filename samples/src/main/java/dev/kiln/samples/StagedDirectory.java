package dev.kiln.samples;

import dev.kiln.KilnException;
import dev.kiln.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory written in full beside the one it is to replace, then put in its place as a whole: the old one is
 * renamed away, the new one renamed into place, and only then is the old one deleted. A reader never sees a mix of
 * both, and a crash in between leaves the old one under a hidden name beside it.
 */
public final class StagedDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(StagedDirectory.class);

    private final Path target;
    private final Path staging;

    private StagedDirectory(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    /** A new empty directory beside {@code target} (creating its parent when missing), to write into. */
    public static StagedDirectory beside(Path target) {
        Path absolute = target.toAbsolutePath().normalize();
        try {
            Path parent = Files.createDirectories(absolute.getParent());
            // not a temporary directory: those are private to their owner, and this one becomes the target
            return new StagedDirectory(absolute, Files.createDirectory(
                    parent.resolve("." + absolute.getFileName() + ".staging-" + System.nanoTime())));
        } catch (IOException e) {
            throw new KilnException("cannot create a directory beside " + target + " to write into: "
                    + OutputFailures.describe(e), e);
        }
    }

    /** Where to write. */
    public Path path() {
        return staging;
    }

    /** The directory this one replaces. */
    public Path target() {
        return target;
    }

    /** Puts what was written in place of the target, which it replaces as a whole. */
    public void commit() {
        Path parent = target.getParent();
        Path old = parent.resolve("." + target.getFileName() + ".replaced-" + System.nanoTime());
        boolean replacing = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        try {
            if (replacing) {
                AtomicFiles.move(target, old);
            }
            AtomicFiles.move(staging, target);
            AtomicFiles.syncDirectory(parent);
        } catch (IOException e) {
            if (replacing && !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                restore(old);
            }
            throw new KilnException("cannot put " + staging + " in place of " + target + ": "
                    + OutputFailures.describe(e), e);
        }
        if (replacing) {
            deleteQuietly(old);
        }
    }

    /** Deletes what was written, leaving the target as it was. */
    public void discard() {
        deleteQuietly(staging);
    }

    private void restore(Path old) {
        try {
            AtomicFiles.move(old, target);
        } catch (IOException e) {
            LOG.error("{} was moved to {} to be replaced and cannot be moved back: {}", target, old,
                    OutputFailures.describe(e));
        }
    }

    private static void deleteQuietly(Path directory) {
        try {
            FileTrees.delete(directory);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", directory, OutputFailures.describe(e));
        }
    }
}
