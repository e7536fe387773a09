package io.runnel.metadata.controller;

import java.util.List;

/** Outcomes of a DeleteTopics request, in request order: topics named by name, then by id. */
public record DeleteTopicsResult(List<DeleteTopicResult> byName, List<DeleteTopicResult> byId) {
    public DeleteTopicsResult {
        byName = List.copyOf(byName);
        byId = List.copyOf(byId);
    }
}
