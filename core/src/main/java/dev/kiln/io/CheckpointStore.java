package dev.kiln.io;

import dev.kiln.KilnException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of numbered checkpoints {@code ckpt-000000000042/}, each written into a hidden staging directory,
 * sealed with a SHA-256 {@link Manifest}, renamed into place in one atomic step and verified; older checkpoints
 * are only removed after that, so a crash at any moment leaves the previous complete checkpoint intact.
 */
public final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern NAME = Pattern.compile("ckpt-(\\d{12})");
    private static final String STAGING_SUFFIX = ".staging";
    private static final String DELETING_SUFFIX = ".deleting";

    /** Writes a checkpoint's files into the (empty) directory it is given. */
    @FunctionalInterface
    public interface Content {
        void writeInto(Path directory) throws IOException;
    }

    /** One checkpoint on disk and its sequence number (an epoch or a step, chosen by the caller). */
    public record Checkpoint(long sequence, Path directory) {
    }

    private final Path root;

    public CheckpointStore(Path root) {
        this.root = root.toAbsolutePath();
    }

    public Path root() {
        return root;
    }

    /** The directory name of checkpoint {@code sequence}. */
    public static String name(long sequence) {
        if (sequence < 0) {
            throw new KilnException("checkpoint sequence must be non-negative, got " + sequence);
        }
        return String.format("ckpt-%012d", sequence);
    }

    /**
     * Writes checkpoint {@code sequence}: stages it, seals it with a manifest, renames it into place and verifies
     * it; an existing checkpoint of the same number is replaced only after the new one is sealed.
     */
    public Checkpoint save(long sequence, Content content) {
        String name = name(sequence);
        Path staging = root.resolve("." + name + STAGING_SUFFIX);
        Path target = root.resolve(name);
        try {
            Files.createDirectories(root);
            deleteTree(staging);
            Files.createDirectory(staging);
            content.writeInto(staging);
            forceFiles(staging);
            Manifest.of(staging).write(staging);
            AtomicFiles.syncDirectory(staging);
            if (Files.exists(target)) {
                retire(target);
            }
            AtomicFiles.move(staging, target);
            AtomicFiles.syncDirectory(root);
        } catch (IOException e) {
            throw new KilnException("checkpoint " + name + ": cannot write in " + root + ": " + e, e);
        } finally {
            deleteQuietly(staging);
        }
        Manifest.verified(target);
        return new Checkpoint(sequence, target);
    }

    /** Every checkpoint directory, complete or not, oldest first. */
    public List<Checkpoint> list() {
        List<Checkpoint> found = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return found;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path p : entries) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p)) {
                    found.add(new Checkpoint(Long.parseLong(m.group(1)), p));
                }
            }
        } catch (IOException e) {
            throw new KilnException("cannot list checkpoints in " + root + ": " + e, e);
        }
        found.sort(Comparator.comparingLong(Checkpoint::sequence));
        return found;
    }

    /** The newest checkpoint whose manifest verifies; incomplete or damaged newer ones are skipped with a WARN line. */
    public Optional<Checkpoint> latestComplete() {
        List<Checkpoint> all = list();
        for (int i = all.size() - 1; i >= 0; i--) {
            Checkpoint c = all.get(i);
            try {
                Manifest.verified(c.directory());
                return Optional.of(c);
            } catch (KilnException e) {
                LOG.warn("skipping checkpoint {}: {}", c.directory().getFileName(), e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * Deletes every checkpoint except the newest {@code keepLast} and those numbered in {@code keep}, plus any
     * leftovers of interrupted saves and deletions.
     */
    public void prune(int keepLast, Collection<Long> keep) {
        if (keepLast < 1) {
            throw new KilnException("keepLast must be at least 1, got " + keepLast);
        }
        List<Checkpoint> all = list();
        for (int i = 0; i < all.size() - keepLast; i++) {
            if (!keep.contains(all.get(i).sequence())) {
                delete(all.get(i));
            }
        }
        removeLeftovers();
    }

    /** Removes one checkpoint: first renamed away in one step, so it never looks half-deleted, then deleted. */
    public void delete(Checkpoint checkpoint) {
        try {
            retire(checkpoint.directory());
        } catch (IOException e) {
            throw new KilnException("cannot delete checkpoint " + checkpoint.directory() + ": " + e, e);
        }
    }

    private void retire(Path directory) throws IOException {
        Path away = root.resolve("." + directory.getFileName() + "." + System.nanoTime() + DELETING_SUFFIX);
        AtomicFiles.move(directory, away);
        deleteQuietly(away);
    }

    private void removeLeftovers() {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, ".ckpt-*")) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                if (n.endsWith(STAGING_SUFFIX) || n.endsWith(DELETING_SUFFIX)) {
                    deleteQuietly(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {} for leftovers: {}", root, e.toString());
        }
    }

    /** Forces every file of {@code directory} to disk, so the manifest never describes data still in caches. */
    private static void forceFiles(Path directory) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                if (Files.isRegularFile(p)) {
                    try (FileChannel channel = FileChannel.open(p, StandardOpenOption.WRITE)) {
                        channel.force(true);
                    }
                }
            }
        }
    }

    private static void deleteQuietly(Path tree) {
        try {
            deleteTree(tree);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", tree, e.toString());
        }
    }

    private static void deleteTree(Path tree) throws IOException {
        if (!Files.exists(tree)) {
            return;
        }
        Files.walkFileTree(tree, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
