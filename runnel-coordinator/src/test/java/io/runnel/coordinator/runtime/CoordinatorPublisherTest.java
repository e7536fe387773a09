package io.runnel.coordinator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.metadata.image.MetadataImage;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.RemoveTopicRecord;
import io.runnel.metadata.record.TopicRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** Which changes of the metadata image a coordinator hears of as elections and resignations. */
class CoordinatorPublisherTest {
    private static final String TOPIC = "__consumer_offsets";
    private static final int SELF = 2;

    private final List<String> heard = new ArrayList<>();
    private final CoordinatorPublisher publisher = new CoordinatorPublisher(TOPIC, SELF, new PartitionLeadership() {
        @Override
        public void onElection(final int partition, final int leaderEpoch) {
            heard.add("elect " + partition + "@" + leaderEpoch);
        }

        @Override
        public void onResignation(final int partition, final int leaderEpoch) {
            heard.add("resign " + partition + "@" + leaderEpoch);
        }
    });

    /** The topic with one partition per leader given, at leader epoch 0. */
    private static MetadataImage created(final MetadataImage image, final Uuid id, final int... leaders) {
        MetadataImage next = image.apply(new TopicRecord(TOPIC, id));
        for (int p = 0; p < leaders.length; p++) {
            next = next.apply(new PartitionRecord(id, p, List.of(1, 2, 3), List.of(1, 2, 3), leaders[p], 0, 0));
        }
        return next;
    }

    private static MetadataImage led(
            final MetadataImage image, final Uuid id, final int partition, final int leader, final int epoch) {
        return image.apply(
                new PartitionRecord(id, partition, List.of(1, 2, 3), List.of(1, 2, 3), leader, epoch, epoch));
    }

    private List<String> publish(final MetadataImage previous, final MetadataImage next) {
        heard.clear();
        publisher.onImage(previous, next);
        return List.copyOf(heard);
    }

    @Test
    void shouldElectThePartitionsThisBrokerLeadsWhenTheTopicAppears() {
        final MetadataImage image = created(MetadataImage.EMPTY, Uuid.randomUuid(), 1, 2, 3, 2);

        assertThat(publish(MetadataImage.EMPTY, image)).containsExactly("elect 1@0", "elect 3@0");
    }

    @Test
    void shouldHearNothingOfOtherTopicsOrOfPartitionsLedElsewhere() {
        final Uuid id = Uuid.randomUuid();
        final MetadataImage image = created(MetadataImage.EMPTY, id, 1, 2);
        MetadataImage other = image.apply(new TopicRecord("orders", Uuid.randomUuid()));

        assertThat(publish(image, other)).isEmpty();
        assertThat(publish(image, led(image, id, 0, 3, 1))).isEmpty();
    }

    @Test
    void shouldResignWhenTheLeadershipMovesOrLapsesAndElectWhenItComesBack() {
        final Uuid id = Uuid.randomUuid();
        final MetadataImage image = created(MetadataImage.EMPTY, id, 2, 2);
        final MetadataImage fenced = led(image, id, 0, -1, 1);
        final MetadataImage back = led(fenced, id, 0, 2, 2);
        final MetadataImage bumped = led(back, id, 1, 2, 5);

        assertThat(publish(image, fenced)).containsExactly("resign 0@1");
        assertThat(publish(fenced, back)).containsExactly("elect 0@2");
        assertThat(publish(back, bumped)).as("still led here, at a later epoch").containsExactly("elect 1@5");
    }

    @Test
    void shouldResignEveryLedPartitionWhenTheTopicGoesAndElectThoseOfItsSuccessor() {
        final Uuid id = Uuid.randomUuid();
        final MetadataImage image = created(MetadataImage.EMPTY, id, 2, 1, 2);
        final MetadataImage deleted = image.apply(new RemoveTopicRecord(id));
        final MetadataImage recreated = created(image.apply(new RemoveTopicRecord(id)), Uuid.randomUuid(), 2);

        assertThat(publish(image, deleted)).containsExactly("resign 0@-1", "resign 2@-1");
        assertThat(publish(image, recreated)).containsExactly("resign 0@-1", "resign 2@-1", "elect 0@0");
    }
}
