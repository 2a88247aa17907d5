package dev.kiln.check.parity;

import dev.kiln.backend.Backend;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/** Test-only wrapping of a real backend: every call goes to it unless an interceptor answers first. */
final class BackendDecorator {
    /** Sees each call; returns {@link #PASS} to let the real backend run it. */
    @FunctionalInterface
    interface Interceptor {
        Object intercept(Backend delegate, Method method, Object[] arguments) throws Throwable;
    }

    static final Object PASS = new Object();

    private BackendDecorator() {
    }

    static Backend wrap(Backend delegate, Interceptor interceptor) {
        InvocationHandler handler = (proxy, method, arguments) -> {
            Object answer = interceptor.intercept(delegate, method, arguments);
            if (answer != PASS) {
                return answer;
            }
            try {
                return method.invoke(delegate, arguments);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                handler);
    }
}
