package io.runnel.storage.retention;

import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.StorageIo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Segments that retention or the cleaner removed from their logs, waiting out {@code file.delete.delay.ms} before
 * their files are closed and deleted. The wait exists for readers: a fetch that took a segment before it left its log may
 * still be sending a slice of it, and closing the channel under it would fail that response.
 *
 * <p>Thread-safe: segments are added by a retention or cleaner pass and deleted by the delayed task, the next pass
 * or close, whichever comes first; each is deleted once.
 */
public final class RetiredSegments {

    private static final Logger LOG = LoggerFactory.getLogger(RetiredSegments.class);

    private record Retired(LogSegment segment, long dueMs) {}

    private final List<Retired> pending = new ArrayList<>();

    public synchronized void add(final Collection<LogSegment> segments, final long dueMs) {
        for (final LogSegment segment : segments) {
            pending.add(new Retired(segment, dueMs));
        }
    }

    /** Deletes these segments now if they are still waiting (the delayed task for them). */
    public void delete(final Collection<LogSegment> segments) {
        final List<LogSegment> taken = new ArrayList<>();
        synchronized (this) {
            final Iterator<Retired> it = pending.iterator();
            while (it.hasNext()) {
                final Retired retired = it.next();
                if (segments.contains(retired.segment())) {
                    taken.add(retired.segment());
                    it.remove();
                }
            }
        }
        closeAndDelete(taken);
    }

    /** Deletes every segment whose delay has passed by {@code nowMs}. */
    public void deleteDue(final long nowMs) {
        final List<LogSegment> due = new ArrayList<>();
        synchronized (this) {
            final Iterator<Retired> it = pending.iterator();
            while (it.hasNext()) {
                final Retired retired = it.next();
                if (retired.dueMs() <= nowMs) {
                    due.add(retired.segment());
                    it.remove();
                }
            }
        }
        closeAndDelete(due);
    }

    /** Deletes everything still waiting (at close, when no reader is left). */
    public void deleteAll() {
        deleteDue(Long.MAX_VALUE);
    }

    public synchronized int size() {
        return pending.size();
    }

    private static void closeAndDelete(final List<LogSegment> segments) {
        for (final LogSegment segment : segments) {
            try {
                StorageIo.run("deleting " + segment, segment::closeAndDelete);
            } catch (final KafkaStorageException e) {
                // logged by StorageIo; the .deleted files are removed when the log is next opened
                LOG.warn("Leaving {} for the next start-up to delete", segment);
            }
        }
    }
}
