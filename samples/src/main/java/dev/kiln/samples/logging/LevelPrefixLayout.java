package dev.kiln.samples.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;

/**
 * One console line per event, {@code LEVEL: message}, or the bare message for INFO when {@code plainInfo}; a logged
 * throwable follows as logback's pattern layouts print it.
 */
final class LevelPrefixLayout extends LayoutBase<ILoggingEvent> {
    private final boolean plainInfo;
    private final ThrowableProxyConverter throwable = new ThrowableProxyConverter();

    LevelPrefixLayout(boolean plainInfo) {
        this.plainInfo = plainInfo;
    }

    @Override
    public void start() {
        throwable.setContext(getContext());
        throwable.start();
        super.start();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        String prefix = plainInfo && event.getLevel() == Level.INFO ? "" : event.getLevel() + ": ";
        return prefix + event.getFormattedMessage() + CoreConstants.LINE_SEPARATOR + throwable.convert(event);
    }
}
