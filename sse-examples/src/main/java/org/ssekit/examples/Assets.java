package org.ssekit.examples;

/**
 * Where the pages load their scripts and styles from: all served from this jar, nothing from a
 * CDN. htmx and its SSE extension come from the {@code org.webjars.npm:htmx.org} WebJar; htmx
 * 1.9 ships the SSE extension that matches it in {@code dist/ext/sse.js}.
 */
public final class Assets {

  /** The htmx version of the WebJar on the class path. */
  public static final String HTMX_VERSION = "1.9.12";

  /** htmx itself. */
  public static final String HTMX = "/webjars/htmx.org/" + HTMX_VERSION + "/dist/htmx.min.js";

  /** htmx's Server-Sent Events extension ({@code hx-ext="sse"}). */
  public static final String HTMX_SSE = "/webjars/htmx.org/" + HTMX_VERSION + "/dist/ext/sse.js";

  /** The demo's style sheet. */
  public static final String CSS = "/static/app.css";

  /** Keeps {@code sse-connect} URLs resuming after the newest event received. */
  public static final String RESUME_JS = "/static/resume.js";

  /** The dashboard's chart script. */
  public static final String DASHBOARD_JS = "/static/dashboard.js";

  private Assets() {}
}
