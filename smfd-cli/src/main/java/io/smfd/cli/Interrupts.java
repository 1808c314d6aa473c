package io.smfd.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM for the CLI: an interrupted run exits with 128 + the signal number (130 for Ctrl-C)
 * after one {@code smfd: interrupted} line, without a JVM crash and without a partial or temporary file.
 *
 * <p>By default the JVM answers SIGINT by exiting at once, whatever the other threads do. When the main thread is
 * inside ONNX Runtime ({@code OrtSession.createSession} while the model loads, or a {@code run}) the process exit
 * tears native state down under it and the JVM crashes (SIGSEGV, {@code hs_err_pid*.log}); when it is writing an
 * image, the temporary file stays behind. So the CLI runs every such step ({@link #critical}: loading the model,
 * each inference call, writing a face with its masks, closing the backend, drawing the progress line) under one
 * lock, and the signal handler takes that lock before it exits: it waits for the step in flight to finish (a write
 * then either moved its file into place or deleted its temporary file), and the main thread cannot start another
 * step because the handler keeps the lock until the process is gone. The shutdown path then touches no ONNX Runtime
 * object: the backend is closed by the handler itself, under the lock, before {@link System#exit}.
 *
 * <p>Installed only by {@link Cli#main}; {@link Cli#run} (used by tests) leaves the JVM's signal handling alone, and
 * {@link #critical} then only costs an uncontended lock. A signal the process inherited as ignored (a background
 * job of a non-interactive shell) stays ignored.
 */
final class Interrupts {

    /** How long the handler waits for the step in flight before it exits anyway. */
    private static final long MAX_WAIT_SECONDS = 120;

    /** Fair: a waiting handler gets the lock when the step in flight ends, before the main thread's next step. */
    private static final ReentrantLock LOCK = new ReentrantLock(true);
    /** What the main thread is doing inside {@link #critical}, for the message; null outside. */
    private static volatile String step;
    /** Run by the handler under the lock before it exits: finishes the progress line, closes the backend. */
    private static volatile Runnable cleanup;

    private Interrupts() {
    }

    /** A step that must not be cut off by the process exit. */
    interface Step<T, E extends Exception> {
        T run() throws E;
    }

    /** A step without a result. */
    interface VoidStep<E extends Exception> {
        void run() throws E;
    }

    /**
     * Installs the SIGINT and SIGTERM handlers.
     *
     * @param err where the {@code interrupted} line goes
     */
    static void install(PrintStream err) {
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal.handle(new Signal(name), s -> onSignal(s, err));
            } catch (IllegalArgumentException e) {
                // not available on this platform, or reserved by the JVM (-Xrs): keep the default behaviour
            }
        }
    }

    /**
     * Runs a step that the process exit must not cut off (native ONNX Runtime calls, file writes).
     *
     * @param what what the step does, for the message ("loading the model"); null keeps the enclosing step's
     * @param body the step
     * @return its result
     * @throws E what the step throws
     */
    static <T, E extends Exception> T critical(String what, Step<T, E> body) throws E {
        LOCK.lock();
        String outer = step;
        step = what == null ? outer : what;
        try {
            return body.run();
        } finally {
            step = outer;
            LOCK.unlock();
        }
    }

    /**
     * Runs a step without a result; see {@link #critical(String, Step)}.
     *
     * @param what what the step does
     * @param body the step
     * @throws E what the step throws
     */
    static <E extends Exception> void criticalRun(String what, VoidStep<E> body) throws E {
        critical(what, () -> {
            body.run();
            return null;
        });
    }

    /**
     * Sets what the handler does before it exits (under the lock, so with no step in flight).
     *
     * @param action the clean-up, or null for none
     */
    static void onInterrupt(Runnable action) {
        cleanup = action;
    }

    private static void onSignal(Signal signal, PrintStream err) {
        String during = step;
        boolean locked;
        try {
            locked = LOCK.tryLock(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        // Holding the lock: no native call or write is in flight, and the main thread cannot start one. The lock is
        // never released: the process ends here.
        Runnable action = cleanup;
        if (locked && action != null) {
            try {
                action.run();
            } catch (RuntimeException e) {
                // best effort: the exit must happen
            }
        }
        err.println("smfd: interrupted" + (during == null ? "" : " while " + during)
                + (locked ? "" : " (gave up waiting for it to finish)"));
        err.flush();
        System.exit(128 + signal.getNumber());
    }
}
