package io.runnel.coordinator.group;

import io.runnel.coordinator.group.store.GroupRecord;
import io.runnel.coordinator.group.store.GroupStore;
import io.runnel.coordinator.runtime.CoordinatorLog;
import io.runnel.coordinator.runtime.Scheduler;

/** The group coordinator's {@link CoordinatorLog}: group records, keyed by group id. */
public final class GroupLog extends CoordinatorLog<GroupRecord> {
    public GroupLog(final GroupStore store, final Scheduler scheduler) {
        super(store, scheduler);
    }
}
