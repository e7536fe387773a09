package io.runnel.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.record.BrokerRegistrationChangeRecord;
import io.runnel.metadata.record.RegisterBrokerRecord;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** Where new partitions go: active brokers only, one rack after another. */
class ReplicaPlacementTest {
    private static MetadataImage brokers() {
        return MetadataImage.EMPTY
                .apply(new RegisterBrokerRecord(1, "h1", 9092, "PLAINTEXT", "r1"))
                .apply(new RegisterBrokerRecord(2, "h2", 9092, "PLAINTEXT", "r1"))
                .apply(new RegisterBrokerRecord(3, "h3", 9092, "PLAINTEXT", "r2"))
                .apply(new RegisterBrokerRecord(4, "h4", 9092, "PLAINTEXT", "r2"))
                .apply(new RegisterBrokerRecord(5, 5L, Uuid.randomUuid(), "h5", 9092, "PLAINTEXT", "r3", true));
    }

    @Test
    void shouldTakeOneBrokerOfEachRackInTurnAndLeaveFencedBrokersOut() {
        assertThat(ReplicaPlacement.usableBrokers(brokers())).containsExactly(1, 3, 2, 4);
    }

    @Test
    void shouldLeaveOutABrokerInControlledShutdown() {
        final MetadataImage image = brokers()
                .apply(new BrokerRegistrationChangeRecord(3, -1, BrokerRegistrationChangeRecord.Fencing.NONE, true));

        assertThat(ReplicaPlacement.usableBrokers(image)).containsExactly(1, 4, 2);
    }

    @Test
    void shouldAlternateRacksAcrossConsecutivePartitions() {
        final List<List<Integer>> placed =
                ReplicaPlacement.place(ReplicaPlacement.usableBrokers(brokers()), "t", 0, 4, 1);

        assertThat(placed).hasSize(4);
        for (int p = 1; p < placed.size(); p++) {
            final int previous = placed.get(p - 1).get(0);
            final int current = placed.get(p).get(0);
            assertThat(rackOf(current)).as("partition %d", p).isNotEqualTo(rackOf(previous));
        }
    }

    private static String rackOf(final int broker) {
        return brokers().brokers().get(broker).rack();
    }
}
