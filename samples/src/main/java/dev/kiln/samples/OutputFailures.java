package dev.kiln.samples;

import dev.kiln.KilnException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.List;

/**
 * Results of a run that could not be written, kept while the others are written: after a long run, a model that
 * cannot be saved must not cost the summary and history too. {@link #throwIfAny()} then fails naming each.
 */
public final class OutputFailures {
    /** Writes one result. */
    @FunctionalInterface
    public interface Write {
        void run() throws IOException;
    }

    private final List<String> failures = new ArrayList<>();

    /** Runs {@code write}; when it fails, keeps {@code what} and why instead of throwing. */
    public void attempt(String what, Write write) {
        try {
            write.run();
        } catch (IOException e) {
            failures.add(what + ": " + describe(e));
        } catch (UncheckedIOException e) {
            failures.add(what + ": " + describe(e.getCause()));
        } catch (KilnException e) {
            failures.add(what + ": " + e.getMessage());
        }
    }

    public boolean isEmpty() {
        return failures.isEmpty();
    }

    /** Fails naming every result that could not be written, when there is one. */
    public void throwIfAny() {
        if (!failures.isEmpty()) {
            throw new KilnException("could not write " + String.join("; nor ", failures));
        }
    }

    /** What went wrong with a file, in words, naming the file. */
    public static String describe(IOException e) {
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " exists and is not a directory";
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason() + ": " + f.getFile();
        }
        return e.toString();
    }
}
