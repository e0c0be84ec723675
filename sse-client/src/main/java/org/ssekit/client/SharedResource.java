package org.ssekit.client;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A default resource (the scheduler, the HttpClient) shared by the clients that were given none:
 * created when the first of them starts, stopped when the last of them closes, created anew when
 * one starts after that. Nothing static outlives the clients, so nothing pins the class loader of
 * an application that closed its clients. Thread-safe; {@code create} and {@code stop} run outside
 * the lock and must not block.
 */
final class SharedResource<T> {

  private final Supplier<T> create;
  private final Consumer<T> stop;
  private @Nullable T value;
  private int users;

  SharedResource(Supplier<T> create, Consumer<T> stop) {
    this.create = create;
    this.stop = stop;
  }

  /** The resource, created if this is its first user; pair every call with one {@link #release}. */
  T acquire() {
    synchronized (this) {
      if (value != null) {
        users++;
        return value;
      }
    }
    T created = create.get();
    T unused = null;
    T result;
    synchronized (this) {
      if (value == null) {
        value = created;
      } else {
        unused = created; // another first user won the race
      }
      users++;
      result = value;
    }
    if (unused != null) {
      stop.accept(unused);
    }
    return result;
  }

  /** One user is done with {@code resource}; the last one stops it. */
  void release(T resource) {
    T stopping = null;
    synchronized (this) {
      if (value != resource) {
        return; // not the current one (defensive: every acquire is paired with one release)
      }
      if (--users == 0) {
        stopping = value;
        value = null;
      }
    }
    if (stopping != null) {
      stop.accept(stopping);
    }
  }

  /** For tests: how many clients use the current resource. */
  synchronized int users() {
    return users;
  }
}
