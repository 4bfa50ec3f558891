package net.synguard.daemon;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;

/**
 * SIGHUP for {@code systemctl reload}. The JDK's only hook for it is {@code sun.misc.Signal} (module
 * jdk.unsupported); it is reached by reflection so that the build's {@code -Werror} does not trip
 * over the proprietary-API warning a direct reference draws. SIGTERM and SIGINT need nothing
 * special: the JVM runs its shutdown hooks for them.
 */
final class Signals {
    private Signals() {}

    /** Runs {@code action} on the JVM's signal thread each time {@code name} (e.g. "HUP") arrives. */
    static void on(String name, Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            InvocationHandler call = (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                    action.run();
                    return null;
                }
                return switch (method.getName()) {
                    case "toString" -> "synguard " + name + " handler";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                };
            };
            Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerType}, call);
            Object sig = signal.getConstructor(String.class).newInstance(name);
            signal.getMethod("handle", signal, handlerType).invoke(null, sig, handler);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot handle SIG" + name + ": " + e, e);
        }
    }
}
