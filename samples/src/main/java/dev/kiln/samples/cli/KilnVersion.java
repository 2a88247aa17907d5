package dev.kiln.samples.cli;

import dev.kiln.KilnException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version lines of {@code kiln --version}: Kiln's version (written by the build) and the Java runtime. */
final class KilnVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {
            "kiln " + kilnVersion(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
        };
    }

    static String kilnVersion() {
        try (InputStream in = KilnVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new KilnException("version.properties is missing from the kiln command's resources");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new KilnException("version.properties could not be read: " + e.getMessage(), e);
        }
    }
}
