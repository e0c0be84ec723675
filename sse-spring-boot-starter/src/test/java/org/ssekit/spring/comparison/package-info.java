/**
 * The code counted in docs/spring-boot.md's "lines a user writes" table: the same stream + publish
 * endpoint + metrics written by hand on sse-servlet and with Spring's {@code SseEmitter}. Compiled
 * with the tests so the counts stay honest; never component-scanned or run.
 */
package org.ssekit.spring.comparison;
