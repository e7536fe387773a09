package io.runnel.metadata.loader;

import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.log.MetadataLog;
import io.runnel.metadata.record.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the committed metadata into the current {@link MetadataImage} and tells the {@link MetadataListener}s of
 * each new one. Every node has one: a controller's log drives it from its state machine, a broker's from the
 * metadata it follows; the controller only reads the image it keeps.
 *
 * <h2>Threading</h2>
 * The log calls {@link #onCommit} and {@link #onSnapshot} in log order, one at a time, on its apply thread. The
 * image and the listeners are guarded by one lock, so a listener registered from any thread sees the current image
 * and then every later one, none twice. {@link #image()} is a volatile read of the latest applied image. Listeners
 * hear nothing until {@link #startPublishing()}: what the node replays at start is its state, not news.
 */
public final class MetadataLoader implements MetadataLog.CommitListener {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataLoader.class);

    private final Object lock = new Object();
    // Guarded by lock.
    private final List<MetadataListener> listeners = new ArrayList<>();
    private boolean publishing;
    // Written under lock.
    private volatile MetadataImage image = MetadataImage.EMPTY;

    /** The latest applied image; {@link MetadataImage#EMPTY} before anything is applied. */
    public MetadataImage image() {
        return image;
    }

    /** From now on every new image reaches the listeners; each listener hears of the current one first. */
    public void startPublishing() {
        synchronized (lock) {
            if (!publishing) {
                publishing = true;
                for (final MetadataListener listener : List.copyOf(listeners)) {
                    notifyListener(listener, MetadataImage.EMPTY, image);
                }
            }
        }
    }

    /**
     * Adds a listener. Once publishing, it is first told of the current image (as a change from
     * {@link MetadataImage#EMPTY}), then of every later one.
     */
    public void registerListener(final MetadataListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            listeners.add(listener);
            if (publishing) {
                notifyListener(listener, MetadataImage.EMPTY, image);
            }
        }
    }

    public void unregisterListener(final MetadataListener listener) {
        synchronized (lock) {
            listeners.remove(listener);
        }
    }

    /** Applies a committed batch and publishes the result; the only place the image moves forward. */
    @Override
    public void onCommit(final List<MetadataRecord> batch, final long lastOffset) {
        synchronized (lock) {
            MetadataImage next = image;
            for (final MetadataRecord record : batch) {
                next = next.apply(record);
            }
            if (next.lastOffset() != lastOffset) {
                throw new IllegalStateException("Metadata log committed a batch ending at offset " + lastOffset
                        + " but the image applied it up to " + next.lastOffset());
            }
            publish(next);
        }
    }

    /** Replaces the image by a snapshot's, as the log hands it over (a lagging node sent the leader's snapshot). */
    @Override
    public void onSnapshot(final List<MetadataRecord> records, final long lastOffset) {
        synchronized (lock) {
            publish(MetadataImage.fromSnapshot(records, lastOffset));
        }
    }

    @Override
    public List<MetadataRecord> currentState() {
        return image.toRecords();
    }

    private void publish(final MetadataImage next) {
        final MetadataImage previous = image;
        image = next;
        if (publishing) {
            for (final MetadataListener listener : List.copyOf(listeners)) {
                notifyListener(listener, previous, next);
            }
        }
    }

    private static void notifyListener(
            final MetadataListener listener, final MetadataImage previous, final MetadataImage next) {
        try {
            listener.onImage(previous, next);
        } catch (final RuntimeException e) {
            LOG.error("Metadata listener {} failed on image at offset {}", listener, next.lastOffset(), e);
        }
    }
}
