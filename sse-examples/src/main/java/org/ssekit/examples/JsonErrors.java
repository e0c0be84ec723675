package org.ssekit.examples;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ErrorHandler;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The demo's container errors as JSON: {@code {"error": "<reason phrase>", "status": N}}, for the
 * servlet context ({@code sendError}, an exception escaping a servlet, a method a servlet does not
 * implement) and, through {@link DemoHandler.ServerErrors}, for the server. The body names the
 * status only, never an exception.
 */
final class JsonErrors extends ErrorHandler {

  /** Every method gets the JSON body (Jetty's default writes one for GET, POST and HEAD only). */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(
      Request request, Response response, int code, String message, Throwable cause, Callback callback) {
    write(response, code, callback);
  }

  @Override
  protected boolean generateAcceptableResponse(
      Request request,
      Response response,
      Callback callback,
      String contentType,
      List<Charset> charsets,
      int code,
      String message,
      Throwable cause) {
    write(response, code, callback);
    return true;
  }

  /** The JSON body for {@code status}. */
  static String body(int status) {
    String reason = HttpStatus.getMessage(status);
    return "{\"error\":\"" + (reason == null ? "error" : reason.replace("\"", "'")) + "\",\"status\":" + status + "}";
  }

  /** Writes the JSON body for {@code status} on a core response. */
  static void write(Response response, int status, Callback callback) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body(status).getBytes(StandardCharsets.UTF_8)), callback);
  }
}
