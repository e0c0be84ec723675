package org.ssekit.examples;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The demo's outermost handler: {@code X-Content-Type-Options: nosniff} on every response, and
 * {@code TRACE} (which would echo {@code Authorization} and {@code Cookie} back) refused with 405.
 * Thread-safe and stateless.
 */
final class DemoHandler extends Handler.Wrapper {

  private static final HttpField NOSNIFF = new HttpField("X-Content-Type-Options", "nosniff");

  DemoHandler(Handler next) {
    super(next);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    response.getHeaders().put(NOSNIFF);
    String method = request.getMethod();
    if (method.equals("TRACE") || method.equals("TRACK")) {
      response.setStatus(HttpStatus.METHOD_NOT_ALLOWED_405);
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD, POST, OPTIONS");
      JsonErrors.write(response, HttpStatus.METHOD_NOT_ALLOWED_405, callback);
      return true;
    }
    return super.handle(request, response, callback);
  }

  /**
   * Errors the server answers before (or outside) the servlet context, e.g. a request line too
   * long (414), headers too large (431), a malformed request (400): JSON like the apps' own errors,
   * with the status's reason phrase and never an exception's text.
   */
  static final class ServerErrors extends ErrorHandler {
    @Override
    public boolean errorPageForMethod(String method) {
      return true;
    }

    @Override
    protected void generateResponse(
        Request request, Response response, int code, String message, Throwable cause, Callback callback) {
      response.getHeaders().put(NOSNIFF);
      JsonErrors.write(response, code, callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      fields.put(HttpHeader.CONTENT_TYPE, "application/json");
      fields.put(NOSNIFF);
      fields.put(HttpHeader.CACHE_CONTROL, "no-store");
      return ByteBuffer.wrap(JsonErrors.body(status).getBytes(StandardCharsets.UTF_8));
    }
  }
}
