package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code ./kiln} launcher's class-data archive, in a copy of the checkout whose build is up to date: recorded
 * once, then used; recorded again when stale; skipped without a word when the JVM cannot use it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherTest {
    private static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

    @TempDir
    static Path root;
    private static Path jar;

    /**
     * The launcher's exit code and output.
     *
     * @param exitCode its exit code
     * @param out what it wrote to standard output
     * @param err what it wrote to standard error
     */
    private record Run(int exitCode, String out, String err) {
        static Run of(Map<String, String> environment, String... args) throws Exception {
            List<String> command = Stream.concat(Stream.of(root.resolve("kiln").toString()), Arrays.stream(args))
                    .toList();
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(root.resolve("out.txt").toFile())
                    .redirectError(root.resolve("err.txt").toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().remove("KILN_JAVA_OPTS");
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            return new Run(process.exitValue(), Files.readString(root.resolve("out.txt")),
                    Files.readString(root.resolve("err.txt")));
        }

        void assertVersionWithoutNoise() {
            assertEquals(0, exitCode, err);
            assertTrue(out.startsWith("kiln "), out);
            assertEquals(List.of(INCUBATOR_WARNING), err.lines().toList());
        }
    }

    /** The launcher, the samples' classes in a jar and the class path file that a build writes. */
    @BeforeAll
    static void builtCheckout() throws IOException {
        Path launcher = Files.copy(Path.of("../kiln"), root.resolve("kiln"));
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path target = Files.createDirectories(root.resolve("samples/target"));
        jar = jarOf(Path.of("target/classes"), target.resolve("kiln-samples-test.jar"));
        String dependencies = Arrays.stream(System.getProperty("java.class.path").split(":"))
                .filter(entry -> entry.endsWith(".jar")).collect(Collectors.joining(":"));
        Files.writeString(target.resolve("kiln.classpath"), jar + ":" + dependencies + "\n");
    }

    @Test
    @Order(1)
    void theFirstRunRecordsTheArchiveAndTheNextOnesLoadTheirClassesFromIt() throws Exception {
        Run.of(Map.of(), "--version").assertVersionWithoutNoise();
        Path archive = archive();
        assertTrue(Files.size(archive) > 0, "an archive was recorded");

        Path classes = root.resolve("classes.log");
        Run.of(Map.of("KILN_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes), "--version")
                .assertVersionWithoutNoise();
        String loaded = Files.readString(classes);
        // picocli's Java 5 bytecode, and our classes implementing its interfaces, too
        for (String name : List.of(KilnCommand.class.getName(), CommandLine.class.getName(),
                UsageErrorHandler.class.getName())) {
            assertTrue(loaded.contains(name + " source: shared objects file"), name + " comes from the archive");
        }
    }

    @Test
    @Order(2)
    void anArchiveOlderThanTheBuildIsRecordedAgain() throws Exception {
        Path archive = archive();
        FileTime built = Files.getLastModifiedTime(jar);
        Files.setLastModifiedTime(archive, FileTime.fromMillis(built.toMillis() - 60_000));

        Run.of(Map.of(), "--version").assertVersionWithoutNoise();
        assertTrue(Files.getLastModifiedTime(archive).compareTo(built) > 0, "recorded again after the build");
    }

    @Test
    @Order(3)
    void anArchiveOfOtherJarsIsSkippedWithoutAWord() throws Exception {
        Path archive = archive();
        jarOf(Path.of("target/classes"), jar);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 2_000));
        Files.setLastModifiedTime(archive, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));

        Run.of(Map.of(), "--version").assertVersionWithoutNoise();
        Run devices = Run.of(Map.of(), "devices", "--json");
        assertEquals(0, devices.exitCode(), devices.err());
        assertTrue(devices.out().startsWith("{"), devices.out());
        assertEquals(List.of(INCUBATOR_WARNING), devices.err().lines().toList());
    }

    @Test
    @Order(4)
    void anArchiveThatIsNoArchiveIsSkippedWithoutAWord() throws Exception {
        Path archive = archive();
        byte[] garbage = new byte[1 << 16];
        new Random(1).nextBytes(garbage);
        Files.delete(archive);
        Files.write(archive, garbage);

        Run.of(Map.of(), "--version").assertVersionWithoutNoise();
    }

    @Test
    @Order(5)
    void theStepsHostCodeIsKeptOutOfC2WithoutAWord() throws Exception {
        Run.of(Map.of(), "--version").assertVersionWithoutNoise();
        assertTrue(Files.readString(root.resolve("samples/target/jvm/host-code-c1.json")).contains("dev/kiln/opencl/"),
                "the directives file names the OpenCL backend's classes");
        Run printed = Run.of(Map.of("KILN_JAVA_OPTS", "-XX:+DisplayVMOutput -XX:+CompilerDirectivesPrint"),
                "--version");
        assertEquals(0, printed.exitCode(), printed.err());
        String directive = printed.out().lines()
                .filter(line -> line.contains("matching:") && line.contains("dev/kiln")).findFirst()
                .orElseThrow(() -> new AssertionError("no directive for Kiln's classes: " + printed.out()));
        for (String hostCode : List.of("dev/kiln/opencl/*.*", "dev/kiln/autograd/*.*", "org/jocl/*.*")) {
            assertTrue(directive.contains(hostCode), directive);
        }
        assertFalse(directive.contains("dev/kiln/cpu/"), "the CPU backend's kernels keep C2: " + directive);
    }

    @Test
    @Order(6)
    void kilnJitDefaultLeavesHotSpotsDefaults() throws Exception {
        Run printed = Run.of(Map.of("KILN_JIT", "default",
                "KILN_JAVA_OPTS", "-XX:+UnlockDiagnosticVMOptions -XX:+CompilerDirectivesPrint"), "--version");
        assertEquals(0, printed.exitCode(), printed.err());
        assertTrue(printed.out().contains("matching: *.*"), "HotSpot's default directive is printed: " + printed.out());
        assertFalse(printed.out().contains("dev/kiln"), printed.out());
    }

    /** The one archive in the launcher's folder of archives. */
    private static Path archive() throws IOException {
        try (Stream<Path> archives = Files.list(root.resolve("samples/target/cds"))) {
            List<Path> found = archives.filter(path -> path.toString().endsWith(".jsa")).toList();
            assertEquals(1, found.size(), found.toString());
            return found.get(0);
        }
    }

    private static Path jarOf(Path classes, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, (OutputStream) out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
