package io.smfd.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.SharpFacePolicy;
import io.smfd.SmfdException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One deblurrer per JVM and settings, shared by concurrent tasks, closed by closeAll (the shutdown hook). */
class ExecutorDeblurrersTest {

    @Test
    void concurrentTasksShareOneDeblurrerUntilClosed() throws Exception {
        DeblurSettings settings = new DeblurSettings("cpu", 1, SharpFacePolicy.DEBLUR, null);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Set<Deblurrer> seen = new HashSet<>();
        try {
            List<Future<Deblurrer>> got = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                got.add(pool.submit((Callable<Deblurrer>) () -> ExecutorDeblurrers.get(settings)));
            }
            for (Future<Deblurrer> f : got) {
                seen.add(f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertThat(seen).hasSize(1);
        Deblurrer shared = seen.iterator().next();
        assertThat(shared.backendName()).isEqualTo("cpu");
        assertThat(ExecutorDeblurrers.get(new DeblurSettings(" CPU ", 1, SharpFacePolicy.DEBLUR, "")))
                .as("equal settings").isSameAs(shared);

        ExecutorDeblurrers.closeAll();

        assertThat(ExecutorDeblurrers.isOpen(settings)).isFalse();
        FaceImage face = FaceImage.fromArgb(16, 16, new int[256]);
        assertThatThrownBy(() -> shared.deblur(face)).isInstanceOf(SmfdException.class)
                .satisfies(e -> assertThat(((SmfdException) e).reason()).isEqualTo(SmfdException.Reason.CLOSED));
        Deblurrer reopened = ExecutorDeblurrers.get(settings);
        assertThat(reopened).isNotSameAs(shared);
        assertThat(reopened.deblur(face).width()).isEqualTo(16);
    }
}
