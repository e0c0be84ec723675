package org.ssekit.examples;

/**
 * The model of the index page.
 *
 * @param baseUrl the server's address, for the curl examples
 * @param publishTokenRequired whether publishing to the API needs a bearer token
 */
public record Index(String baseUrl, boolean publishTokenRequired) {}
