// matchtour pages: progressive enhancement only; every form also works without script.
(function () {
  "use strict";

  // A busy indicator on slow forms (the solver), and no double submits.
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var busy = form.querySelector(".busy");
      if (busy) busy.hidden = false;
      form.setAttribute("aria-busy", "true");
      // Disable after the submit has been taken, so the button's value is still sent.
      setTimeout(function () {
        form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });

  // A chosen CSV file fills the text area the form sends.
  document.querySelectorAll("input[type=file][data-fills]").forEach(function (input) {
    input.addEventListener("change", function () {
      var target = document.getElementById(input.getAttribute("data-fills"));
      var file = input.files && input.files[0];
      if (!target || !file) return;
      var reader = new FileReader();
      reader.onload = function () { target.value = String(reader.result || ""); };
      reader.readAsText(file);
    });
  });

  // Instant feasibility check of a move: the server tries it and rolls back.
  var move = document.getElementById("move-form");
  if (move) {
    var out = document.getElementById("move-check");
    var seq = 0;
    var check = function () {
      var booking = move.elements.booking.value;
      var start = move.elements.start.value;
      if (!booking || !start) return;
      var mine = ++seq;
      out.className = "check-result";
      out.textContent = out.getAttribute("data-checking");
      var url = move.getAttribute("data-check") + "?booking=" + encodeURIComponent(booking) +
        "&start=" + encodeURIComponent(start);
      fetch(url, { headers: { accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (res) {
          if (mine !== seq) return;
          out.className = "check-result " + (res.ok ? "ok" : "bad");
          out.textContent = (res.ok ? "✓ " : "✗ ") + res.message;
        })
        .catch(function () { if (mine === seq) out.textContent = ""; });
    };
    move.elements.booking.addEventListener("change", check);
    move.elements.start.addEventListener("change", check);
  }

  // A background solver run: poll its progress, then show the draft it made.
  var progress = document.getElementById("solver-progress");
  if (progress) {
    var bar = document.getElementById("solver-bar");
    var field = function (name) { return progress.querySelector("[data-field=" + name + "]"); };
    var poll = function () {
      fetch(progress.getAttribute("data-progress"), { headers: { accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (res) {
          var p = res.progress;
          if (p) {
            bar.value = Math.min(p.seconds, p.limit_seconds);
            field("seconds").textContent = p.seconds;
            field("iterations").textContent = p.iterations;
            field("score").textContent = p.score === null ? "—" : p.score;
          }
          if (res.running) setTimeout(poll, 400);
          else window.location.assign(res.next);
        })
        .catch(function () { setTimeout(poll, 1000); });
    };
    poll();
  }

  // After a post, bring the message into view and to the screen reader.
  var notice = document.getElementById("notice");
  if (notice) notice.focus();
})();
