package io.runnel.storage.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexTest {

    @TempDir
    Path dir;

    @Test
    void shouldFindTheGreatestEntryAtOrBelowTheTargetOffset() throws IOException {
        try (OffsetIndex index = new OffsetIndex(dir.resolve("a.index"), 100, 800, true)) {
            assertThat(index.lookup(150)).isZero();
            for (int i = 1; i <= 50; i++) {
                index.append(100 + i * 10L, i * 1000);
            }
            assertThat(index.lookup(99)).isZero();
            assertThat(index.lookup(109)).isZero();
            assertThat(index.lookup(110)).isEqualTo(1000);
            assertThat(index.lookup(115)).isEqualTo(1000);
            assertThat(index.lookup(355)).isEqualTo(25_000);
            assertThat(index.lookup(10_000)).isEqualTo(50_000);
            assertThat(index.lastOffset()).isEqualTo(600);
            assertThatThrownBy(() -> index.append(600, 60_000)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldTrimOnCloseAndReopenWithTheSameEntries() throws IOException {
        final Path file = dir.resolve("b.index");
        try (OffsetIndex index = new OffsetIndex(file, 0, 8000, true)) {
            assertThat(Files.size(file)).isEqualTo(8000);
            for (int i = 1; i <= 10; i++) {
                index.append(i * 3L, i * 77);
            }
        }
        assertThat(Files.size(file)).isEqualTo(80);
        try (OffsetIndex reopened = new OffsetIndex(file, 0, 8000, false)) {
            assertThat(reopened.entries()).isEqualTo(10);
            assertThat(reopened.lookup(20)).isEqualTo(6 * 77);
            assertThat(reopened.isSane(10 * 77 + 1)).isTrue();
            assertThat(reopened.isSane(10 * 77)).isFalse();
        }
    }

    @Test
    void shouldReportFullAndFailSanityWhenAnUntrimmedIndexIsReopened() throws IOException {
        final Path file = dir.resolve("c.index");
        final OffsetIndex index = new OffsetIndex(file, 0, 24, true);
        index.append(1, 10);
        index.append(2, 20);
        index.append(3, 30);
        assertThat(index.isFull()).isTrue();
        final OffsetIndex crashed = new OffsetIndex(dir.resolve("d.index"), 0, 80, true);
        crashed.append(5, 10);
        // reopened without trim: zero entries after the real one look like entries and fail the check
        final OffsetIndex reopened = new OffsetIndex(dir.resolve("d.index"), 0, 80, true);
        assertThat(reopened.entries()).isEqualTo(10);
        assertThat(reopened.isSane(1000)).isFalse();
    }

    @Test
    void shouldLookUpTimestampsAndOnlyAppendIncreasingOnes() throws IOException {
        final Path file = dir.resolve("e.timeindex");
        try (TimeIndex index = new TimeIndex(file, 1000, 1200, true)) {
            assertThat(index.lookup(5)).isEqualTo(1000);
            assertThat(index.maybeAppend(100, 1010)).isTrue();
            assertThat(index.maybeAppend(100, 1020)).isFalse();
            assertThat(index.maybeAppend(90, 1020)).isFalse();
            assertThat(index.maybeAppend(200, 1030)).isTrue();
            assertThat(index.maybeAppend(300, 1050)).isTrue();
            assertThat(index.lookup(99)).isEqualTo(1000);
            assertThat(index.lookup(100)).isEqualTo(1010);
            assertThat(index.lookup(250)).isEqualTo(1030);
            assertThat(index.lookup(Long.MAX_VALUE)).isEqualTo(1050);
        }
        try (TimeIndex reopened = new TimeIndex(file, 1000, 1200, false)) {
            assertThat(reopened.entries()).isEqualTo(3);
            assertThat(reopened.lastTimestamp()).isEqualTo(300);
            assertThat(reopened.lastOffset()).isEqualTo(1050);
            assertThat(reopened.isSane(1051)).isTrue();
            assertThat(reopened.isSane(1050)).isFalse();
        }
    }
}
