package io.runnel.metadata.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.runnel.metadata.record.ClusterIdRecord;
import io.runnel.metadata.record.MetadataCorruptionException;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalMetadataLogTest extends MetadataLogContractTest {
    @TempDir
    Path dir;

    @Override
    protected MetadataLog open() {
        return LocalMetadataLog.open(dir);
    }

    private Path file() {
        return dir.resolve(LocalMetadataLog.FILE_NAME);
    }

    /** Two committed batches (offsets 0..2); returns the file size after the first one. */
    private long writeTwoBatches() {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            propose(log, List.of(new ClusterIdRecord("c")));
            final long afterFirst = log.sizeInBytes();
            propose(log, List.of(new ProducerIdsRecord(1, 10), new ProducerIdsRecord(1, 20)));
            return afterFirst;
        }
    }

    @Test
    void shouldFailAppendsToAFullDiskWithAStorageErrorAndKeepNothingOfThem() throws IOException {
        final Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "needs /dev/full, whose writes fail with ENOSPC");
        Files.createSymbolicLink(file(), full);
        final LocalMetadataLog log = LocalMetadataLog.open(dir);

        assertThat(log.propose(List.of(new ClusterIdRecord("c"))))
                .failsWithin(10, TimeUnit.SECONDS)
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOf(KafkaStorageException.class)
                .withMessageContaining("Cannot append to metadata log");
        assertThat(log.propose(List.of(new ProducerIdsRecord(1, 10))))
                .failsWithin(10, TimeUnit.SECONDS)
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOf(KafkaStorageException.class);

        assertThat(log.lastOffset()).as("no offset was given out").isEqualTo(-1);
        assertThat(log.sizeInBytes()).isZero();
        log.close();
    }

    @Test
    void shouldTruncateTornTailWhenLastBatchIsIncomplete() throws IOException {
        final long afterFirst = writeTwoBatches();
        final long fullSize = Files.size(file());
        try (var channel = Files.newByteChannel(file(), StandardOpenOption.WRITE)) {
            channel.truncate(fullSize - 3);
        }

        try (MetadataLog log = open()) {
            assertThat(replayAll(log)).containsExactly(new ClusterIdRecord("c"));
            assertThat(log.lastOffset()).isEqualTo(0);
            assertThat(Files.size(file())).isEqualTo(afterFirst);
            assertThat(propose(log, List.of(new ProducerIdsRecord(1, 30)))).isEqualTo(1);
        }
        try (MetadataLog log = open()) {
            assertThat(replayAll(log)).containsExactly(new ClusterIdRecord("c"), new ProducerIdsRecord(1, 30));
        }
    }

    @Test
    void shouldTruncateTornTailWhenOnlyPartOfAHeaderWasWritten() throws IOException {
        writeTwoBatches();
        final long fullSize = Files.size(file());
        Files.write(file(), new byte[] {0, 0, 1}, StandardOpenOption.APPEND);

        try (MetadataLog log = open()) {
            assertThat(log.lastOffset()).isEqualTo(2);
        }
        assertThat(Files.size(file())).isEqualTo(fullSize);
    }

    @Test
    void shouldTruncateWhenLastBatchFailsItsChecksum() throws IOException {
        final long afterFirst = writeTwoBatches();
        final byte[] bytes = Files.readAllBytes(file());
        bytes[bytes.length - 1] ^= 0x5A;
        Files.write(file(), bytes);

        try (MetadataLog log = open()) {
            assertThat(replayAll(log)).containsExactly(new ClusterIdRecord("c"));
        }
        assertThat(Files.size(file())).isEqualTo(afterFirst);
    }

    @Test
    void shouldTruncateWhenTailHasAnImpossibleLength() throws IOException {
        final long afterFirst = writeTwoBatches();
        final long fullSize = Files.size(file());
        Files.write(file(), ByteBuffer.allocate(8).putInt(-1).putInt(0).array(), StandardOpenOption.APPEND);

        try (MetadataLog log = open()) {
            assertThat(log.lastOffset()).isEqualTo(2);
        }
        assertThat(Files.size(file())).isEqualTo(fullSize).isGreaterThan(afterFirst);
    }

    @Test
    void shouldFailOpenWhenChecksummedBatchHasWrongBaseOffset() throws IOException {
        writeTwoBatches();
        final ByteBuffer bad = LocalMetadataLog.encode(7, List.<MetadataRecord>of(new ProducerIdsRecord(1, 40)));
        final byte[] bytes = new byte[bad.remaining()];
        bad.get(bytes);
        Files.write(file(), bytes, StandardOpenOption.APPEND);

        assertThatThrownBy(() -> LocalMetadataLog.open(dir))
                .isInstanceOf(MetadataCorruptionException.class)
                .hasMessageContaining("base offset 7, expected 3");
    }

    @Test
    void shouldFailOpenWhenChecksummedBatchDoesNotDecode() throws IOException {
        writeTwoBatches();
        final byte[] payload = ByteBuffer.allocate(12 + 4 + 2)
                .putLong(3)
                .putInt(1)
                .putInt(2)
                .put((byte) 99)
                .put((byte) 0)
                .array();
        final CRC32C crc = new CRC32C();
        crc.update(payload);
        final ByteBuffer batch = ByteBuffer.allocate(8 + payload.length)
                .putInt(payload.length)
                .putInt((int) crc.getValue())
                .put(payload);
        Files.write(file(), batch.array(), StandardOpenOption.APPEND);

        assertThatThrownBy(() -> LocalMetadataLog.open(dir))
                .isInstanceOf(MetadataCorruptionException.class)
                .hasMessageContaining("Unknown metadata record type 99");
    }

    @Test
    void shouldRefuseCallsWhenClosed() {
        final LocalMetadataLog log = LocalMetadataLog.open(dir);
        log.close();

        assertThatThrownBy(() -> log.propose(List.of(new ClusterIdRecord("c"))))
                .isInstanceOf(IllegalStateException.class);
    }
}
