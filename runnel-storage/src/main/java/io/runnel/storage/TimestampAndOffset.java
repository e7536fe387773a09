package io.runnel.storage;

/** A record's timestamp, offset and the leader epoch of the batch holding it (for ListOffsets). */
public record TimestampAndOffset(long timestamp, long offset, int leaderEpoch) {}
