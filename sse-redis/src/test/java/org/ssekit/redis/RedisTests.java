package org.ssekit.redis;

/** Where the tests find Redis. */
final class RedisTests {

  static final String HOST = "127.0.0.1";
  static final int PORT = 6379;
  static final String URL = "redis://" + HOST + ":" + PORT;

  private RedisTests() {}
}
