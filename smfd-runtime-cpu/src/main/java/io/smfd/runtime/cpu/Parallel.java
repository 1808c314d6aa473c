package io.smfd.runtime.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of {@code threads - 1} daemon worker threads; the calling thread always takes part, so
 * {@code threads == 1} runs everything on the caller. Work is handed out one index at a time from a shared
 * counter (dynamic load balancing); helpers that start late simply find no work left.
 *
 * <p>A network runs a hundred or more short parallel loops per call (most of them well under a millisecond), so
 * handing a loop to a parked thread through an executor queue (a wake-up of tens of microseconds each time) costs
 * more than the work it splits. Workers therefore spin for up to {@link #SPIN_NANOS} after their last loop, watching
 * one volatile field for the next one, and only then park; the caller publishes a loop with one volatile write and
 * unparks only workers that went to sleep. The caller waits for the stragglers by spinning as well (the other
 * threads hold at most one index each by then).
 *
 * <p>Thread-safe: several inference calls may share one pool. One loop runs on the workers at a time; a caller that
 * finds them busy with another call's loop runs its own loop alone rather than waiting.
 */
final class Parallel implements AutoCloseable {

    /** Loop body. */
    interface Body {
        void run(int index);
    }

    /**
     * How long an idle worker waits for the next loop before it parks: it spins, yielding its core every 64 spins
     * (a thread that needs the core, the caller included, gets it; otherwise the yield returns at once).
     */
    static final long SPIN_NANOS = 200_000L;

    /** How long the caller spins for the workers' last indices before it starts yielding its core. */
    static final long AWAIT_SPIN_NANOS = 20_000L;

    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final int threads;
    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job current;
    private volatile boolean closed;
    /** Loops published to the workers so far (written by the caller that holds {@link #busy}). */
    private long published;

    Parallel(int threads) {
        this(threads, false);
    }

    /**
     * A pool without workers that runs every loop on the calling thread but reports {@code nominalThreads} from
     * {@link #threads()}, so the ops split their work exactly as they would on a pool of that many threads: a face
     * run on it gives bit-for-bit the result it gets on the real pool (each loop index computes the same values
     * whichever thread runs it). {@link CpuBackend} runs one face per thread on it.
     */
    static Parallel inline(int nominalThreads) {
        return new Parallel(nominalThreads, true);
    }

    private Parallel(int threads, boolean inline) {
        this.threads = Math.max(1, threads);
        this.workers = new Worker[inline ? 0 : this.threads - 1];
        int id = POOL_IDS.incrementAndGet();
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker();
            Thread t = new Thread(workers[i], "smfd-cpu-" + id + "-" + (i + 1));
            t.setDaemon(true);
            workers[i].thread = t;
            t.start();
        }
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code body.run(i)} for {@code 0 <= i < n}, on the caller and the workers, and returns when all are done.
     * The first exception thrown by a body is rethrown (remaining indices are skipped).
     */
    void forEach(int n, Body body) {
        if (n <= 0) {
            return;
        }
        if (workers.length == 0 || n == 1 || closed || !busy.compareAndSet(false, true)) {
            Job job = new Job(n, body, 0);
            job.work();
            job.rethrow();
            return;
        }
        Job job = new Job(n, body, ++published);
        try {
            current = job;
            for (Worker w : workers) {
                if (w.sleeping) {
                    LockSupport.unpark(w.thread);
                }
            }
            job.work();
            job.await();
        } finally {
            current = null;
            busy.set(false);
        }
        job.rethrow();
    }

    private final class Worker implements Runnable {
        Thread thread;
        volatile boolean sleeping;

        @Override
        public void run() {
            long last = 0; // generation of the last loop seen (not the loop itself: it holds the caller's buffers)
            long idleSince = System.nanoTime();
            int spins = 0;
            while (!closed) {
                Job j = current;
                if (j != null && j.gen != last) {
                    last = j.gen;
                    j.work();
                    idleSince = System.nanoTime();
                    spins = 0;
                    continue;
                }
                if ((++spins & 63) != 0) {
                    Thread.onSpinWait();
                    continue;
                }
                if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.yield(); // a thread that shares this core (the caller, another process) runs first
                    continue;
                }
                sleeping = true;
                j = current;
                if (j == null || j.gen == last) {
                    if (!closed) {
                        LockSupport.park(this);
                    }
                }
                sleeping = false;
                idleSince = System.nanoTime();
                spins = 0;
            }
        }
    }

    private static final class Job {
        final int n;
        final Body body;
        final long gen;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(int n, Body body, long gen) {
            this.n = n;
            this.body = body;
            this.gen = gen;
        }

        void work() {
            int i;
            int mine = 0;
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
                }
                mine++;
            }
            if (mine > 0) {
                done.addAndGet(mine);
            }
        }

        /**
         * Waits until every index is done (only other threads' last indices remain): spins for up to
         * {@link #AWAIT_SPIN_NANOS}, then yields the core at every check, so that a worker descheduled on this core
         * (the machine busier than the pool: another process's threads) runs at once instead of after the caller's
         * time slice.
         */
        void await() {
            long start = 0;
            int spins = 0;
            while (done.get() < n) {
                if ((++spins & 63) != 0) {
                    Thread.onSpinWait();
                } else if (start == 0) {
                    start = System.nanoTime();
                } else if (System.nanoTime() - start >= AWAIT_SPIN_NANOS) {
                    Thread.yield();
                }
            }
        }

        void rethrow() {
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
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }
}
