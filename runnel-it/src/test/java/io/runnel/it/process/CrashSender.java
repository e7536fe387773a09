package io.runnel.it.process;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The producing side of the crash tests: a named thread that sends one record per call until stopped, pausing 1 ms
 * every {@code pauseEvery} sends so the broker sees a steady stream rather than one burst, and taking the failures
 * of sends made after the broker was killed as the end of the stream.
 */
final class CrashSender {

    /** Sends record number {@code seq} (asynchronously; acknowledgements are the caller's to record). */
    @FunctionalInterface
    interface Send {
        void send(int seq);
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private CrashSender(final String name, final int pauseEvery, final Send send) {
        this.thread = new Thread(
                () -> {
                    int seq = 0;
                    try {
                        while (running.get()) {
                            send.send(seq++);
                            if (seq % pauseEvery == 0) {
                                Thread.sleep(
                                        1); // pacing, not waiting: keeps the stream to a rate the log can be checked at
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        // send() after the kill
                    }
                },
                name);
    }

    static CrashSender start(final String name, final int pauseEvery, final Send send) {
        final CrashSender sender = new CrashSender(name, pauseEvery, send);
        sender.thread.start();
        return sender;
    }

    /** Ends the stream and waits for the thread (at most 10 s). */
    void stop() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
