package io.runnel.metadata.controller;

/** The controller's answer to a heartbeat, as BrokerHeartbeatResponse carries it. */
public record BrokerHeartbeatReply(
        boolean isCaughtUp, boolean isFenced, boolean inControlledShutdown, boolean shouldShutDown) {}
