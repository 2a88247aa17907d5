package dev.kiln.samples.logging;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.filter.LevelFilter;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Console logging for the kiln command, configured in code (an XML file costs a parser at every start): INFO lines
 * as plain messages and DEBUG with a level prefix on stdout, WARN and ERROR with a level prefix on stderr, so that
 * stdout stays the command's output. A configuration file named by {@code -Dlogback.configurationFile} still wins.
 */
public final class ConsoleLogging extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        ConsoleAppender<ILoggingEvent> out = appender(context, "STDOUT", "System.out", true);
        out.addFilter(denying(Level.WARN));
        out.addFilter(denying(Level.ERROR));
        out.start();
        ConsoleAppender<ILoggingEvent> err = appender(context, "STDERR", "System.err", false);
        ThresholdFilter warnings = new ThresholdFilter();
        warnings.setLevel(Level.WARN.toString());
        warnings.start();
        err.addFilter(warnings);
        err.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(out);
        root.addAppender(err);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static ConsoleAppender<ILoggingEvent> appender(LoggerContext context, String name, String target,
                                                           boolean plainInfo) {
        LevelPrefixLayout layout = new LevelPrefixLayout(plainInfo);
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setTarget(target);
        appender.setEncoder(encoder);
        return appender;
    }

    private static LevelFilter denying(Level level) {
        LevelFilter filter = new LevelFilter();
        filter.setLevel(level);
        filter.setOnMatch(FilterReply.DENY);
        filter.setOnMismatch(FilterReply.NEUTRAL);
        filter.start();
        return filter;
    }
}
