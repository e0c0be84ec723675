package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BufferPoolTest {

  @Test
  void reusesGivenBackBuffersUpToItsBound() {
    BufferPool pool = new BufferPool(16, 2);
    byte[] a = pool.acquire();
    byte[] b = pool.acquire();
    byte[] c = pool.acquire();
    byte[] d = pool.acquire();
    assertThat(a).hasSize(16);
    assertThat(a).isNotSameAs(b);

    pool.release(a); // this thread's own slot
    pool.release(b);
    pool.release(c);
    pool.release(d); // over the bound: dropped
    assertThat(pool.idle()).isEqualTo(2);

    assertThat(pool.acquire()).as("the thread's own last buffer first").isSameAs(a);
    byte[] x = pool.acquire();
    byte[] y = pool.acquire();
    assertThat((x == b && y == c) || (x == c && y == b)).as("the two kept buffers, reused").isTrue();
    assertThat(pool.idle()).isZero();
    byte[] z = pool.acquire();
    assertThat(z != a && z != b && z != c && z != d).as("a new buffer once the pool is empty").isTrue();
  }

  @Test
  void aThreadsOwnSlotIsNotSharedButTheQueueIs() throws Exception {
    BufferPool pool = new BufferPool(16, 4);
    byte[] mine = pool.acquire();
    byte[] queued = pool.acquire();
    pool.release(mine);
    pool.release(queued);
    AtomicReference<byte[]> other = new AtomicReference<>();
    Thread t = new Thread(() -> other.set(pool.acquire()));
    t.start();
    t.join();
    assertThat(other.get()).as("another thread takes from the shared queue").isSameAs(queued);
    assertThat(pool.acquire()).isSameAs(mine);
  }

  @Test
  void ignoresForeignBuffers() {
    BufferPool pool = new BufferPool(16, 4);
    pool.release(new byte[8]);
    pool.release(null);
    assertThat(pool.idle()).isZero();
    assertThat(pool.acquire()).hasSize(16);
  }
}
