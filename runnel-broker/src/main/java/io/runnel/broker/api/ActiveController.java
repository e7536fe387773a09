package io.runnel.broker.api;

import io.runnel.metadata.controller.Controller;
import org.apache.kafka.common.errors.NotControllerException;

/**
 * The controller requests that only the active controller serves (broker registration, heartbeats, unregistration)
 * go to. A node that is not the active controller answers them NOT_CONTROLLER, as KRaft's controllers do.
 */
@FunctionalInterface
public interface ActiveController {
    /** The node's active controller; never returns null. */
    Controller get();

    /** No controller runs here: a broker-only node. */
    static ActiveController none(final int nodeId) {
        return () -> {
            throw new NotControllerException("Node " + nodeId + " is not a controller");
        };
    }
}
