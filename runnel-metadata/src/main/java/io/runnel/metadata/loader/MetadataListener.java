package io.runnel.metadata.loader;

import io.runnel.metadata.image.MetadataImage;

/**
 * Told of every new metadata image. Called in log order, one call at a time, on the thread that
 * applies committed metadata (the controller thread with the local log), so it must be quick and
 * must not block on the controller; hand work to the listener's own thread.
 */
@FunctionalInterface
public interface MetadataListener {
    void onImage(MetadataImage previous, MetadataImage next);
}
