package org.ssekit.examples.dashboard;

/**
 * One reading of the server's own health, sent to the dashboard as JSON.
 *
 * @param time milliseconds since the epoch
 * @param processCpu this JVM's CPU load, 0 to 1 (-1 when the platform cannot tell)
 * @param systemCpu the whole machine's CPU load, 0 to 1 (-1 when the platform cannot tell)
 * @param heapUsed heap bytes in use
 * @param heapMax the heap limit in bytes (-1 when undefined)
 * @param streams open SSE streams of the hub
 */
public record Sample(long time, double processCpu, double systemCpu, long heapUsed, long heapMax, int streams) {}
