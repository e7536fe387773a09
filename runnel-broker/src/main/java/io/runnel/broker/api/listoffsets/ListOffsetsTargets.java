package io.runnel.broker.api.listoffsets;

import java.util.Map;
import org.apache.kafka.common.requests.ListOffsetsRequest;

/**
 * Which ListOffsets versions may ask for which target. A timestamp at or above 0 is served at every version; a
 * special target only from the version that introduced it; any other negative value at none. Kafka 4.4.0 answers
 * UNSUPPORTED_VERSION for the partition in both refused cases, before it looks the partition up (observed for
 * every target from -1 to -8 and -100 at v1 to v11, on known and unknown topics).
 */
final class ListOffsetsTargets {
    private static final Map<Long, Short> FIRST_VERSION = Map.of(
            ListOffsetsRequest.LATEST_TIMESTAMP, (short) 0,
            ListOffsetsRequest.EARLIEST_TIMESTAMP, (short) 0,
            ListOffsetsRequest.MAX_TIMESTAMP, (short) 7, // KIP-734
            ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP, (short) 8, // KIP-405
            ListOffsetsRequest.LATEST_TIERED_TIMESTAMP, (short) 9, // KIP-1005
            ListOffsetsRequest.EARLIEST_PENDING_UPLOAD_TIMESTAMP, (short) 11); // KIP-1023

    private ListOffsetsTargets() {}

    static boolean servedAt(final long target, final short version) {
        if (target >= 0) {
            return true;
        }
        final Short first = FIRST_VERSION.get(target);
        return first != null && version >= first;
    }
}
