package dev.kiln.samples.logging;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.Util;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The kiln launcher's slf4j provider ({@code -Dslf4j.provider}): logback's logger context, configured by
 * {@link ConsoleLogging} directly instead of through logback's auto-configuration, which scans the class path for
 * configurators, records status messages and runs logback's first string concatenation through invokedynamic: 10-17 ms
 * instead of 75-100 ms before the device warm-up can start (BENCHMARKS.md, startup). A configuration file named by
 * {@code -Dlogback.configurationFile} still goes through logback's auto-configuration, which reads it. Without the
 * launcher (tests, Kiln as a library) slf4j finds logback's own provider, which finds {@link ConsoleLogging} as a
 * service: the same console either way.
 */
public final class ConsoleLoggingProvider implements SLF4JServiceProvider {
    /** The slf4j API version this provider serves, as logback's own provider declares it. */
    private static final String API_VERSION = "2.0.99";

    private LoggerContext context;
    private IMarkerFactory markers;
    private MDCAdapter mdc;

    @Override
    public void initialize() {
        context = new LoggerContext();
        context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        mdc = new LogbackMDCAdapter();
        context.setMDCAdapter(mdc);
        markers = new BasicMarkerFactory();
        ConsoleLogging logging = new ConsoleLogging();
        logging.setContext(context);
        // ConsoleLogging steps aside for a configuration file the user named, which logback's own path reads
        if (logging.configure(context) != Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY) {
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                Util.report("Failed to configure logging from " + System.getProperty(
                        ClassicConstants.CONFIG_FILE_PROPERTY), e);
            }
        }
        context.start();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return API_VERSION;
    }
}
