// ssekit demo: draws the dashboard's samples on a canvas. No library: an EventSource and a few lines.
(function () {
  "use strict";
  var canvas = document.getElementById("chart");
  var ctx = canvas.getContext("2d");
  var keep = 60;
  var samples = [];
  var colors = { cpu: "#e8590c", heap: "#2f6feb", streams: "#2b8a3e", grid: "#dde3ea", text: "#5f6b7a" };

  function percent(v) { return v < 0 ? "n/a" : (v * 100).toFixed(1) + " %"; }
  function mib(b) { return (b / 1048576).toFixed(1) + " MiB"; }

  function readouts(s) {
    document.getElementById("cpu").textContent = percent(s.processCpu);
    document.getElementById("heap").textContent = mib(s.heapUsed);
    document.getElementById("streams").textContent = String(s.streams);
  }

  function line(values, max, color, w, h, pad) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    var started = false;
    values.forEach(function (v, i) {
      if (v < 0) { return; }
      var x = pad + (w - 2 * pad) * (keep - values.length + i) / (keep - 1);
      var y = h - pad - (h - 2 * pad) * Math.min(v / max, 1);
      if (started) { ctx.lineTo(x, y); } else { ctx.moveTo(x, y); started = true; }
    });
    ctx.stroke();
  }

  function draw() {
    var w = canvas.width, h = canvas.height, pad = 30;
    ctx.clearRect(0, 0, w, h);
    ctx.strokeStyle = colors.grid;
    ctx.fillStyle = colors.text;
    ctx.font = "12px sans-serif";
    ctx.lineWidth = 1;
    var maxStreams = Math.max(4, Math.max.apply(null, samples.map(function (s) { return s.streams; })));
    for (var i = 0; i <= 4; i++) {
      var y = h - pad - (h - 2 * pad) * i / 4;
      ctx.beginPath(); ctx.moveTo(pad, y); ctx.lineTo(w - pad, y); ctx.stroke();
      ctx.fillText(String(i * 25) + "%", 2, y + 4);
      ctx.fillText(String(Math.round(maxStreams * i / 4)), w - pad + 4, y + 4);
    }
    line(samples.map(function (s) { return s.processCpu; }), 1, colors.cpu, w, h, pad);
    line(samples.map(function (s) { return s.heapMax > 0 ? s.heapUsed / s.heapMax : -1; }), 1, colors.heap, w, h, pad);
    line(samples.map(function (s) { return s.streams; }), maxStreams, colors.streams, w, h, pad);
  }

  function add(list) {
    samples = samples.concat(list).slice(-keep);
    if (samples.length) { readouts(samples[samples.length - 1]); }
    canvas.dataset.samples = String(samples.length);
    draw();
  }

  var source = new EventSource(canvas.dataset.stream);
  var status = document.getElementById("status");
  source.onopen = function () { status.textContent = "live"; };
  source.onerror = function () { status.textContent = "reconnecting"; };
  // The first event holds the last minute of samples; every later one, a single sample.
  source.addEventListener("samples", function (e) { samples = []; add(JSON.parse(e.data)); });
  source.addEventListener("sample", function (e) { add([JSON.parse(e.data)]); });
  draw();
})();
