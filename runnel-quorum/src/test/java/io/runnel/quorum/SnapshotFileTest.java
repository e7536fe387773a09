package io.runnel.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.metadata.record.ClusterIdRecord;
import io.runnel.metadata.record.MetadataCorruptionException;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import io.runnel.metadata.record.TopicRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFileTest {
    private static final List<MetadataRecord> STATE = List.of(
            new ClusterIdRecord("c"), new TopicRecord("orders", Uuid.randomUuid()), new ProducerIdsRecord(-1, 1000));

    @TempDir
    Path dir;

    @Test
    void shouldReadBackTheRecordsTheRunnelOffsetAndTheRaftEntry() throws IOException {
        final Path file = dir.resolve("snapshot.3_120");
        new SnapshotFile(41, 3, 120, STATE).writeTo(file);

        assertThat(SnapshotFile.readFrom(file)).isEqualTo(new SnapshotFile(41, 3, 120, STATE));
        assertThat(Files.list(dir)).containsExactly(file);
    }

    @Test
    void shouldRefuseAFileWhoseBytesChanged() throws IOException {
        final Path file = dir.resolve("snapshot.1_1");
        new SnapshotFile(2, 1, 1, STATE).writeTo(file);
        final byte[] bytes = Files.readAllBytes(file);
        bytes[20] ^= 1;
        Files.write(file, bytes);

        assertThatThrownBy(() -> SnapshotFile.readFrom(file))
                .isInstanceOf(MetadataCorruptionException.class)
                .hasMessageContaining("fails its checksum");
    }

    @Test
    void shouldRefuseATruncatedFile() throws IOException {
        final Path file = dir.resolve("snapshot.1_1");
        new SnapshotFile(2, 1, 1, STATE).writeTo(file);
        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 10));

        assertThatThrownBy(() -> SnapshotFile.readFrom(file)).isInstanceOf(MetadataCorruptionException.class);
    }

    @Test
    void shouldHoldAnEmptyState() throws IOException {
        final Path file = dir.resolve("snapshot.1_0");
        new SnapshotFile(-1, 1, 0, List.of()).writeTo(file);

        assertThat(SnapshotFile.readFrom(file).records()).isEmpty();
    }

    @Test
    void shouldEncodeABatchAsRecordsCodecReadsIt() {
        assertThat(RecordsCodec.decode(java.nio.ByteBuffer.wrap(RecordsCodec.encode(STATE))))
                .isEqualTo(STATE);
        assertThatThrownBy(() -> RecordsCodec.decode(java.nio.ByteBuffer.wrap(new byte[] {0, 0, 0, 9})))
                .isInstanceOf(MetadataCorruptionException.class);
    }
}
