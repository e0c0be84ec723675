package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BufferPoolTest {

  @Test
  void reusesGivenBackBuffersUpToItsBound() {
    BufferPool pool = new BufferPool(16, 2);
    byte[] a = pool.acquire();
    byte[] b = pool.acquire();
    byte[] c = pool.acquire();
    assertThat(a).hasSize(16);
    assertThat(a).isNotSameAs(b);

    pool.release(a);
    pool.release(b);
    pool.release(c); // over the bound: dropped
    assertThat(pool.idle()).isEqualTo(2);

    byte[] x = pool.acquire();
    byte[] y = pool.acquire();
    assertThat((x == a && y == b) || (x == b && y == a)).as("the two kept buffers, reused").isTrue();
    assertThat(pool.idle()).isZero();
    byte[] z = pool.acquire();
    assertThat(z != a && z != b && z != c).as("a new buffer once the pool is empty").isTrue();
  }

  @Test
  void ignoresForeignBuffers() {
    BufferPool pool = new BufferPool(16, 4);
    pool.release(new byte[8]);
    pool.release(null);
    assertThat(pool.idle()).isZero();
  }
}
