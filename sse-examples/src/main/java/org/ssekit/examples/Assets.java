package org.ssekit.examples;

/**
 * Where the pages load their scripts and styles from: all served from this jar, nothing from a
 * CDN. htmx 2 comes from the {@code org.webjars.npm:htmx.org} WebJar and its SSE extension (a
 * separate package since htmx 2) from the {@code org.webjars.npm:htmx-ext-sse} WebJar.
 */
public final class Assets {

  /** The htmx version of the WebJar on the class path. */
  public static final String HTMX_VERSION = "2.0.8";

  /** The version of the htmx SSE extension's WebJar on the class path. */
  public static final String HTMX_SSE_VERSION = "2.2.2";

  /** htmx itself. */
  public static final String HTMX = "/webjars/htmx.org/" + HTMX_VERSION + "/dist/htmx.min.js";

  /** htmx's Server-Sent Events extension ({@code hx-ext="sse"}). */
  public static final String HTMX_SSE = "/webjars/htmx-ext-sse/" + HTMX_SSE_VERSION + "/sse.js";

  /** The demo's icon (also answered at {@code /favicon.ico}). */
  public static final String FAVICON = "/static/favicon.svg";

  /** The demo's style sheet. */
  public static final String CSS = "/static/app.css";

  /** Keeps {@code sse-connect} URLs resuming after the newest event received. */
  public static final String RESUME_JS = "/static/resume.js";

  /** The dashboard's chart script. */
  public static final String DASHBOARD_JS = "/static/dashboard.js";

  private Assets() {}
}
