package io.runnel.coordinator.group;

/** A committed offset as the coordinator holds it; {@code expireTimestampMs} is -1 unless the client set one. */
public record CommittedOffset(
        long offset, int leaderEpoch, String metadata, long commitTimestampMs, long expireTimestampMs) {}
