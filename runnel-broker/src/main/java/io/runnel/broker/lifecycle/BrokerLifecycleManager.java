package io.runnel.broker.lifecycle;

import io.runnel.metadata.controller.BrokerHeartbeatReply;
import io.runnel.metadata.controller.BrokerHeartbeatSpec;
import io.runnel.metadata.controller.BrokerRegistrationSpec;
import io.runnel.metadata.controller.Controller;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentClusterIdException;
import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's side of its lifecycle, as KRaft's {@code BrokerLifecycleManager}: registers this process (with a
 * fresh incarnation id) with the active controller, heartbeats every {@code broker.heartbeat.interval.ms} with how far
 * it has applied the metadata, and on shutdown asks to shut down and waits until the controller has moved its
 * leaderships away and lets it go. One thread, {@value #THREAD_NAME}, does all of it; a refused or failed request is
 * retried at the next heartbeat, and a registration the controller no longer knows (STALE_BROKER_EPOCH) is made again.
 */
public final class BrokerLifecycleManager implements AutoCloseable {
    public static final String THREAD_NAME = "runnel-broker-lifecycle";
    private static final Logger LOG = LoggerFactory.getLogger(BrokerLifecycleManager.class);

    private final Controller controller;
    private final BrokerRegistrationSpec registration;
    private final LongSupplier appliedOffset;
    private final LongConsumer onRegistered;
    private final long intervalMs;
    private final ScheduledExecutorService thread;
    private final CompletableFuture<Void> unfenced = new CompletableFuture<>();
    private final CompletableFuture<Void> shutdownGranted = new CompletableFuture<>();

    // Owned by the lifecycle thread.
    private long epoch = -1;
    private boolean inFlight;
    private volatile boolean wantShutDown;
    private volatile Throwable lastRegistrationError;

    /**
     * @param registration who this broker is; its incarnation id is this process's
     * @param appliedOffset the offset of the last metadata record this broker has applied
     * @param onRegistered told the broker epoch at each registration
     */
    public BrokerLifecycleManager(
            final Controller controller,
            final BrokerRegistrationSpec registration,
            final LongSupplier appliedOffset,
            final Duration heartbeatInterval,
            final LongConsumer onRegistered) {
        this.controller = controller;
        this.registration = registration;
        this.appliedOffset = appliedOffset;
        this.intervalMs = heartbeatInterval.toMillis();
        this.onRegistered = onRegistered;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, THREAD_NAME);
            t.setDaemon(true);
            return t;
        });
    }

    /** A fresh incarnation id for this process's registration. */
    public static Uuid newIncarnation() {
        return Uuid.randomUuid();
    }

    /** Starts registering and heartbeating; the future completes when the controller first unfences the broker. */
    public CompletableFuture<Void> start() {
        thread.scheduleWithFixedDelay(this::tick, 0, intervalMs, TimeUnit.MILLISECONDS);
        return unfenced;
    }

    /** Why the last registration attempt failed, if it did; null otherwise. */
    public Throwable lastRegistrationError() {
        return lastRegistrationError;
    }

    /** The broker epoch, once registered; -1 before. */
    public long epoch() {
        return epoch;
    }

    /**
     * Controlled shutdown: asks the controller to move this broker's leaderships away and let it go, and waits up
     * to {@code timeout} for that.
     *
     * @return true if the controller let the broker go, false if the wait timed out
     */
    public boolean controlledShutdown(final Duration timeout) throws InterruptedException {
        wantShutDown = true;
        onThread(this::tick);
        try {
            shutdownGranted.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("The controller has let broker {} shut down", registration.brokerId());
            return true;
        } catch (TimeoutException e) {
            LOG.warn(
                    "Timed out waiting for the controller to approve controlled shutdown of broker {}",
                    registration.brokerId());
            return false;
        } catch (ExecutionException e) {
            return false;
        }
    }

    private void tick() {
        if (inFlight || shutdownGranted.isDone()) {
            return;
        }
        inFlight = true;
        final CompletableFuture<?> request = epoch < 0 ? register() : heartbeat();
        request.whenComplete((ok, error) -> onThread(() -> inFlight = false));
    }

    private CompletableFuture<?> register() {
        return controller
                .registerBroker(registration)
                .whenComplete((registered, error) -> onThread(() -> {
                    if (error != null) {
                        final Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                        lastRegistrationError = cause;
                        if (cause instanceof InconsistentClusterIdException) {
                            // Another cluster's controllers: retrying cannot help, so the broker must not start.
                            LOG.error("Broker {} cannot register: {}", registration.brokerId(), cause.getMessage());
                            unfenced.completeExceptionally(cause);
                            return;
                        }
                        LOG.info(
                                "Registering broker {} failed, will retry: {}",
                                registration.brokerId(),
                                cause.toString());
                        return;
                    }
                    epoch = registered;
                    onRegistered.accept(registered);
                    LOG.info("Broker {} registered with epoch {}", registration.brokerId(), registered);
                    onThread(this::tick);
                }));
    }

    private CompletableFuture<?> heartbeat() {
        final BrokerHeartbeatSpec spec =
                new BrokerHeartbeatSpec(registration.brokerId(), epoch, appliedOffset.getAsLong(), false, wantShutDown);
        return controller
                .brokerHeartbeat(spec)
                .whenComplete((reply, error) -> onThread(() -> {
                    if (error != null) {
                        final Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                        if (cause instanceof StaleBrokerEpochException) {
                            LOG.warn(
                                    "The controller no longer knows broker {} epoch {}; registering again",
                                    registration.brokerId(),
                                    epoch);
                            epoch = -1;
                        } else {
                            LOG.debug("Heartbeat of broker {} failed: {}", registration.brokerId(), cause.toString());
                        }
                        return;
                    }
                    onReply(reply);
                }));
    }

    /** Runs on the lifecycle thread; dropped once the manager is closed. */
    private void onThread(final Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: nothing more to do
        }
    }

    private void onReply(final BrokerHeartbeatReply reply) {
        if (!reply.isFenced() && !unfenced.isDone()) {
            LOG.info("Broker {} is unfenced", registration.brokerId());
            unfenced.complete(null);
        }
        if (reply.shouldShutDown()) {
            shutdownGranted.complete(null);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        unfenced.cancel(false);
        shutdownGranted.cancel(false);
    }
}
