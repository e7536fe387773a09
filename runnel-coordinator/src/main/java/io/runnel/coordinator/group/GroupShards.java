package io.runnel.coordinator.group;

import io.runnel.coordinator.group.consumer.ConsumerGroupConfig;
import io.runnel.coordinator.group.store.GroupStore;
import io.runnel.coordinator.runtime.Scheduler;
import io.runnel.metadata.image.MetadataImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link GroupShard}s of the offsets partitions this broker leads: loaded on election a bounded read at a time,
 * unloaded on resignation, and the waiters for "nothing is loading". Owned by the coordinator's thread.
 */
final class GroupShards {
    private static final Logger LOG = LoggerFactory.getLogger(GroupShards.class);

    private final GroupStore store;
    private final GroupConfig config;
    private final ConsumerGroupConfig consumerConfig;
    private final Supplier<MetadataImage> image;
    private final Scheduler scheduler;
    private final RandomGenerator random;
    private Scheduler.Timeout expiryTimer;
    private final Map<Integer, GroupShard> shards = new TreeMap<>();
    private final List<Runnable> loadWaiters = new ArrayList<>();
    private boolean closed;

    GroupShards(
            final GroupStore store,
            final GroupConfig config,
            final ConsumerGroupConfig consumerConfig,
            final Supplier<MetadataImage> image,
            final Scheduler scheduler,
            final RandomGenerator random) {
        this.store = store;
        this.config = config;
        this.consumerConfig = consumerConfig;
        this.image = image;
        this.scheduler = scheduler;
        this.random = random;
    }

    GroupShard get(final int partition) {
        return shards.get(partition);
    }

    Collection<GroupShard> all() {
        return shards.values();
    }

    /** Runs {@code waiter} once no partition is loading (now, if none is). */
    void whenNoneLoading(final Runnable waiter) {
        loadWaiters.add(waiter);
        notifyLoadWaiters();
    }

    /** The coordinator closes: every shard unloaded, expiry stopped, no election taken any more. */
    void unloadAll() {
        closed = true;
        if (expiryTimer != null) {
            expiryTimer.cancel();
        }
        shards.values().forEach(GroupShard::unload);
        shards.clear();
        notifyLoadWaiters();
    }

    void elect(final int partition, final int leaderEpoch) {
        if (closed) {
            return;
        }
        final GroupShard current = shards.get(partition);
        if (current != null) {
            if (leaderEpoch > current.leaderEpoch()) {
                current.leaderEpoch(leaderEpoch);
            }
            return;
        }
        final GroupShard shard =
                new GroupShard(partition, leaderEpoch, store, config, consumerConfig, image, scheduler, random);
        shards.put(partition, shard);
        LOG.debug("Loading the groups of partition {} of {} (leader epoch {})", partition, store, leaderEpoch);
        loadStep(shard);
    }

    /** One bounded read of a loading partition; the next one is queued behind the requests that came meanwhile. */
    private void loadStep(final GroupShard shard) {
        if (shards.get(shard.partition()) != shard) {
            return; // resigned while loading
        }
        try {
            if (shard.loadStep()) {
                scheduler.schedule(0, () -> loadStep(shard));
                return;
            }
            final int records = shard.recordsLoaded();
            final int groups = shard.activate();
            LOG.info(
                    "Loaded {} groups from {} records of partition {} of {} in {} ms (leader epoch {})",
                    groups,
                    records,
                    shard.partition(),
                    store,
                    scheduler.nowMs() - shard.loadStartMs(),
                    shard.leaderEpoch());
            if (expiryTimer == null) {
                scheduleExpiry();
            }
        } catch (final RuntimeException e) {
            LOG.error(
                    "Could not load partition {} of {}; its groups get NOT_COORDINATOR until it is elected here again",
                    shard.partition(),
                    store,
                    e);
            shards.remove(shard.partition());
            shard.unload();
        }
        notifyLoadWaiters();
    }

    void resign(final int partition, final int leaderEpoch) {
        final GroupShard shard = shards.get(partition);
        if (shard == null) {
            return;
        }
        if (leaderEpoch >= 0 && leaderEpoch < shard.leaderEpoch()) {
            LOG.info(
                    "Ignored the resignation of partition {} of {} at leader epoch {}: it is led here at epoch {}",
                    partition,
                    store,
                    leaderEpoch,
                    shard.leaderEpoch());
            return;
        }
        shards.remove(partition);
        final boolean wasLoading = shard.state() == GroupShard.State.LOADING;
        final int groups = shard.unload();
        LOG.info(
                "Unloaded {} groups of partition {} of {}{}: this broker no longer leads it (leader epoch {})",
                groups,
                partition,
                store,
                wasLoading ? " while loading" : "",
                leaderEpoch);
        notifyLoadWaiters();
    }

    void notifyLoadWaiters() {
        if (loadWaiters.isEmpty()) {
            return;
        }
        for (final GroupShard shard : shards.values()) {
            if (shard.state() == GroupShard.State.LOADING) {
                return;
            }
        }
        final List<Runnable> ready = List.copyOf(loadWaiters);
        loadWaiters.clear();
        ready.forEach(Runnable::run);
    }

    /** Every {@code offsets.retention.check.interval.ms}, the loaded groups' expired offsets and groups go. */
    private void scheduleExpiry() {
        expiryTimer = scheduler.schedule(config.offsetsRetentionCheckIntervalMs(), () -> {
            if (closed) {
                return;
            }
            try {
                int expired = 0;
                for (final GroupShard shard : List.copyOf(shards.values())) {
                    if (shard.state() == GroupShard.State.ACTIVE) {
                        expired += shard.expireOffsets();
                    }
                }
                if (expired > 0) {
                    LOG.info("Expired {} offsets and groups", expired);
                }
            } finally {
                scheduleExpiry();
            }
        });
    }
}
