package io.runnel.metadata.controller;

/** The outcome for one topic of a CreatePartitions request. */
public record CreatePartitionsResult(String topic, ApiError error) {}
