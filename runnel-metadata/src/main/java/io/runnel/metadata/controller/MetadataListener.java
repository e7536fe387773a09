package io.runnel.metadata.controller;

import io.runnel.metadata.image.MetadataImage;

/**
 * Told of every new metadata image. Called on the controller thread, in log order, so it must be
 * quick and must not block on the controller; hand work to the listener's own thread.
 */
@FunctionalInterface
public interface MetadataListener {
    void onImage(MetadataImage previous, MetadataImage next);
}
