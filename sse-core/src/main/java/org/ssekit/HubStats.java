package org.ssekit;

/**
 * Counters a {@link Hub} keeps about itself since it was built, for metrics ({@code sse-micrometer}
 * binds them to a Micrometer registry) and for tests. Every count only grows.
 *
 * <p>Thread-safe. The hub counts with striped counters ({@code LongAdder}), and counts a message's
 * deliveries once per message rather than once per stream, so keeping them costs the fan-out no
 * allocation and no lock. A read sums the stripes: it is exact when the hub is quiet and a close
 * approximation while it works.
 */
public interface HubStats {

  /** Streams opened (accepted by their adapter and registered). */
  long streamsOpened();

  /** Streams closed for {@code reason}. */
  long streamsClosed(CloseReason reason);

  /** Messages handed to the broker by {@link Hub#publish} (those the broker refused at once excluded). */
  long published();

  /**
   * Live events queued on streams: a broker message counts once per stream that queued it, and so
   * do {@link Hub#send}, {@link Hub#sendToUser} and {@link Hub#broadcast}. Initial events, replayed
   * events and heartbeats do not count.
   */
  long delivered();

  /** Events discarded by a {@link SlowConsumerPolicy#DROP_OLDEST} or {@code DROP_NEWEST} stream. */
  long dropped();

  /** Messages replayed from the history to resuming clients (one per message and stream). */
  long replayed();

  /**
   * Delivery latencies measured, each from {@link Hub#publish} to the moment the transport took the
   * event off a stream's queue to write it. Only sampled publishes are measured (see {@link
   * Hub.Builder#latencySampling}), and for each only a few of its streams (the first, then every
   * 1024th), so measuring stays off the fan-out's path.
   */
  long latencySamples();

  /**
   * The sum of the {@linkplain #latencySamples() measured latencies}, in nanoseconds. The clock is
   * the wall clock (microseconds), so a message published on another instance includes the clock
   * difference between the machines.
   */
  long latencyTotalNanos();
}
