package io.smfd.runtime.cpu;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool of {@code threads - 1} daemon worker threads; the calling thread always takes part, so
 * {@code threads == 1} runs everything on the caller. Work is handed out one index at a time from a shared
 * counter (dynamic load balancing); helpers that start late simply find no work left. Thread-safe: several
 * inference calls may share one pool.
 */
final class Parallel implements AutoCloseable {

    /** Loop body. */
    interface Body {
        void run(int index);
    }

    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final int threads;
    private final ExecutorService pool;

    Parallel(int threads) {
        this.threads = Math.max(1, threads);
        if (this.threads > 1) {
            int id = POOL_IDS.incrementAndGet();
            AtomicInteger n = new AtomicInteger();
            this.pool = new ThreadPoolExecutor(this.threads - 1, this.threads - 1, 0L, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "smfd-cpu-" + id + "-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
        } else {
            this.pool = null;
        }
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code body.run(i)} for {@code 0 <= i < n}, on the caller and the pool, and returns when all are done.
     * The first exception thrown by a body is rethrown (remaining indices are skipped).
     */
    void forEach(int n, Body body) {
        if (n <= 0) {
            return;
        }
        if (pool == null || n == 1) {
            for (int i = 0; i < n; i++) {
                body.run(i);
            }
            return;
        }
        Job job = new Job(n, body);
        int helpers = Math.min(threads - 1, n - 1);
        for (int h = 0; h < helpers; h++) {
            try {
                pool.execute(job::work);
            } catch (RejectedExecutionException e) {
                break; // closing: the caller does the work
            }
        }
        job.work();
        job.await();
    }

    private static final class Job {
        final int n;
        final Body body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(int n, Body body) {
            this.n = n;
            this.body = body;
        }

        void work() {
            int i;
            while ((i = next.getAndIncrement()) < n) {
                try {
                    if (failure == null) {
                        body.run(i);
                    }
                } catch (Throwable t) {
                    synchronized (this) {
                        if (failure == null) {
                            failure = t;
                        }
                    }
                } finally {
                    if (done.incrementAndGet() == n) {
                        synchronized (this) {
                            notifyAll();
                        }
                    }
                }
            }
        }

        void await() {
            if (done.get() < n) {
                boolean interrupted = false;
                synchronized (this) {
                    while (done.get() < n) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            Throwable t = failure;
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            if (t instanceof Error) {
                throw (Error) t;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
