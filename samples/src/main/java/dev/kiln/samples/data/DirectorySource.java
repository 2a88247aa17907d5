package dev.kiln.samples.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Files already on disk in one directory, raw or gzip-compressed. */
public record DirectorySource(Path directory) implements DataSource {

    @Override
    public String description() {
        return "directory " + directory;
    }

    @Override
    public void fetch(List<IdxFileSpec> files, Path staging) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException(directory + " is not a directory");
        }
        for (IdxFileSpec file : files) {
            Path found = find(directory, file.name());
            if (found != null) {
                Files.copy(found, staging.resolve(found.getFileName()));
            }
        }
    }

    /** {@code name} or {@code name.gz} in {@code directory}, or null when neither is a file there. */
    public static Path find(Path directory, String name) {
        for (String candidate : new String[] {name, name + ".gz"}) {
            Path path = directory.resolve(candidate);
            if (Files.isRegularFile(path)) {
                return path;
            }
        }
        return null;
    }
}
