package org.ssekit.bench;

import java.util.Locale;

/**
 * A benchmark scenario of issue 6, at a scale (1.0 is the size; the smoke test uses 0.01).
 *
 * @param stable timed subscribers
 * @param slow subscribers that never read after the response head
 * @param topics topics the subscribers are spread over (subscriber i on topic i mod topics)
 * @param rate publishes per second offered (0: idle)
 * @param poisson Poisson arrivals instead of a fixed period
 * @param size event data size in bytes
 * @param connectRate connects per second during the ramp
 * @param churn connects (and as many disconnects) per second during the window
 * @param seconds the measurement window
 * @param hot topics that get {@link #HOT_SHARE} of the publishes and hold the slow subscribers (0:
 *     none; every topic equally likely, slow subscribers spread like the others)
 * @param steps 0: one window at {@code rate}; n: a maximum-throughput run of up to n windows, the
 *     first at {@code rate} and each next at {@link #STEP_FACTOR} times the rate before, until a
 *     window falls short (see {@code Runner})
 */
record Scenario(
    String id,
    String title,
    int stable,
    int slow,
    int topics,
    double rate,
    boolean poisson,
    int size,
    double connectRate,
    double churn,
    double seconds,
    int hot,
    int steps) {

  /** The share of the publishes that goes to the {@link #hot} topics. */
  static final double HOT_SHARE = 0.5;

  /** How much each step of a maximum-throughput run raises the offered rate. */
  static final double STEP_FACTOR = 1.25;

  /** The steps of S3max at most: 100 × 1.25^11 ≈ 1,164 publishes/s, 11.6M deliveries/s offered. */
  static final int MAX_STEPS = 12;

  static Scenario of(String id, double scale, double seconds) {
    String up = id.toUpperCase(Locale.ROOT);
    Scenario s =
        switch (up) {
          case "S1" -> new Scenario(up, "idle", 19_000, 0, 1_000, 0, false, 0, 5_000, 0, 20, 0, 0);
          case "S2" -> new Scenario(up, "broadcast", 10_000, 0, 1, 10, false, 128, 5_000, 0, 30, 0, 0);
          case "S3" -> new Scenario(up, "saturation", 10_000, 0, 1, 100, false, 128, 5_000, 0, 30, 0, 0);
          case "S3MAX" -> new Scenario(
              "S3max", "maximum throughput", 10_000, 0, 1, 100, false, 128, 5_000, 0, 10, 0, MAX_STEPS);
          case "S4" -> new Scenario(up, "rooms", 18_000, 0, 1_800, 5_000, true, 256, 5_000, 0, 30, 0, 0);
          case "S5" -> new Scenario(up, "hostile", 17_820, 180, 1_800, 2_500, true, 256, 5_000, 500, 600, 5, 0);
          default -> throw new IllegalArgumentException("unknown scenario " + id + " (S1..S5, S3max)");
        };
    return s.scaled(scale, seconds > 0 ? seconds : s.seconds());
  }

  private Scenario scaled(double scale, double window) {
    boolean perTopicRate = topics > 1; // S4/S5: keep the publishes per topic, scale the topics
    return new Scenario(
        id,
        title,
        Math.max(1, (int) Math.round(stable * scale)),
        slow == 0 ? 0 : Math.max(1, (int) Math.round(slow * scale)),
        Math.max(1, (int) Math.round(topics * scale)),
        perTopicRate ? rate * scale : rate,
        poisson,
        size,
        Math.max(50, connectRate * Math.min(1, scale * 10)),
        churn * scale,
        window,
        hot == 0 ? 0 : Math.max(1, (int) Math.round(hot * scale)),
        steps);
  }

  /** This scenario with at most {@code n} steps (0 keeps the scenario's own). */
  Scenario withSteps(int n) {
    return n <= 0 || steps == 0 ? this
        : new Scenario(id, title, stable, slow, topics, rate, poisson, size, connectRate, churn, seconds, hot, n);
  }

  /** This scenario offering {@code publishesPerSecond}: one step of a maximum-throughput run. */
  Scenario atRate(double publishesPerSecond) {
    return new Scenario(
        id, title, stable, slow, topics, publishesPerSecond, poisson, size, connectRate, churn, seconds, hot, steps);
  }

  int connections() {
    return stable + slow;
  }

  boolean idle() {
    return rate == 0;
  }
}
