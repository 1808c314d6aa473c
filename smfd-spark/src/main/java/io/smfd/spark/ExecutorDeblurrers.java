package io.smfd.spark;

import io.smfd.Deblurrer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deblurrers of this JVM (a Spark executor, or the driver in local mode): one per distinct
 * {@link DeblurSettings}, opened lazily by the first task that needs it, shared by all tasks of the JVM
 * ({@link Deblurrer} is thread-safe) and closed by a shutdown hook when the JVM exits. Thread-safe.
 */
final class ExecutorDeblurrers {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorDeblurrers.class);
    private static final ConcurrentHashMap<DeblurSettings, Deblurrer> OPEN = new ConcurrentHashMap<>();
    private static final AtomicBoolean HOOK = new AtomicBoolean();

    private ExecutorDeblurrers() {
    }

    /**
     * Returns this JVM's deblurrer for {@code settings}, opening it on first use (concurrent callers wait for
     * the one being opened).
     *
     * @param settings the settings
     * @return the shared deblurrer; callers must not close it
     */
    static Deblurrer get(DeblurSettings settings) {
        Deblurrer d = OPEN.get(settings);
        if (d != null) {
            return d;
        }
        return OPEN.computeIfAbsent(settings, s -> {
            if (HOOK.compareAndSet(false, true)) {
                Runtime.getRuntime().addShutdownHook(new Thread(ExecutorDeblurrers::closeAll, "smfd-spark-close"));
            }
            long t0 = System.nanoTime();
            Deblurrer opened = s.open();
            LOG.info("SMFD deblurrer opened for this JVM in {} ms: backend {} ({}), {}, model {}",
                    (System.nanoTime() - t0) / 1_000_000, opened.backendName(), opened.device(), s,
                    opened.modelInfo().summary());
            return opened;
        });
    }

    /** Whether a deblurrer for {@code settings} is open in this JVM (for tests). */
    static boolean isOpen(DeblurSettings settings) {
        return OPEN.containsKey(settings);
    }

    /** Number of open deblurrers (for tests). */
    static int openCount() {
        return OPEN.size();
    }

    /** Closes and forgets every deblurrer (the shutdown hook; tests). Waits for running calls. */
    static void closeAll() {
        List<DeblurSettings> keys = new ArrayList<>(OPEN.keySet());
        for (DeblurSettings k : keys) {
            Deblurrer d = OPEN.remove(k);
            if (d != null) {
                try {
                    d.close();
                } catch (RuntimeException e) {
                    LOG.warn("closing the SMFD deblurrer ({}) failed: {}", k, e.toString());
                }
            }
        }
    }
}
