package io.runnel.metadata.controller;

/** A broker's heartbeat (BrokerHeartbeat): its registration's epoch, how far it has applied the metadata, its wishes. */
public record BrokerHeartbeatSpec(
        int brokerId, long brokerEpoch, long currentMetadataOffset, boolean wantFence, boolean wantShutDown) {}
