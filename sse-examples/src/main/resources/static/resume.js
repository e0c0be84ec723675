// ssekit demo: keeps every sse-connect URL's lastEventId at the id of the newest event received.
// The browser's EventSource resumes by itself (it sends Last-Event-ID when it reconnects), but when
// htmx's SSE extension has to create a new EventSource it reads sse-connect again; with this, that
// new connection also resumes after the last event shown instead of after the page's first id.
document.addEventListener("htmx:sseMessage", function (e) {
  var id = e.detail && e.detail.lastEventId;
  var el = e.target && e.target.closest ? e.target.closest("[sse-connect]") : null;
  if (!id || !el) {
    return;
  }
  var url = new URL(el.getAttribute("sse-connect"), window.location.href);
  url.searchParams.set("lastEventId", id);
  el.setAttribute("sse-connect", url.pathname + url.search);
});
