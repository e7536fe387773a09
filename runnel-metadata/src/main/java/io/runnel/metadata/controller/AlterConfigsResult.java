package io.runnel.metadata.controller;

import io.runnel.metadata.record.ConfigResourceType;

/** The outcome for one resource of an AlterConfigs or IncrementalAlterConfigs request. */
public record AlterConfigsResult(ConfigResourceType type, String resourceName, ApiError error) {}
