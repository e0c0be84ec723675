package org.ssekit.examples;

import jakarta.servlet.http.HttpServlet;
import org.ssekit.StreamAdapter;

/**
 * Makes the servlet that streams a hub topic to browsers, as {@code sse-servlet}'s router does.
 * The apps ask for their stream endpoints through this, so they do not care how they are served.
 */
@FunctionalInterface
public interface StreamServlets {

  /**
   * A servlet that serves {@code topic}: a GET with {@code Accept: text/event-stream} opens a
   * stream decided by {@code adapter}, a plain GET gets the adapter's initial response.
   */
  HttpServlet handler(String topic, StreamAdapter adapter);
}
