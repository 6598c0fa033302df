// Quiz autosave: every change is kept in localStorage at once, then sent to the server (idempotent PUT with a
// sequence number per item). Unconfirmed answers are retried with backoff until the server confirms them, across
// reloads and lost connections. Submitting first flushes every pending answer.
(function () {
  "use strict";
  var form = document.getElementById("quiz");
  if (!form) return;
  var state = JSON.parse(document.getElementById("quiz-state").textContent);
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var statusEl = document.getElementById("save-status");
  var storeKey = "corroborate:attempt:" + state.attempt;
  var local = readLocal();          // item id -> {value, seq, confirmed}
  var inFlight = {};
  var retryDelay = 1000;
  var retryTimer = null;
  var submitting = false;
  if (window.location.pathname !== state.url) history.replaceState(null, "", state.url);   // after "Start"

  function readLocal() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }
  function writeLocal() {
    try { localStorage.setItem(storeKey, JSON.stringify(local)); } catch (e) { /* storage full or blocked */ }
  }
  function setStatus(text, kind) {
    statusEl.textContent = text;
    statusEl.className = "save-status " + (kind || "");
  }
  function pending() {
    return Object.keys(local).filter(function (id) { return !local[id].confirmed; });
  }

  // --- reading an answer from the page, in the shape the server grades -------------------------------------------
  function valueOf(li) {
    var type = li.dataset.type;
    var fields = li.querySelectorAll("[name^='answer-']");
    var i, out;
    if (type === "single" || type === "truefalse") {
      for (i = 0; i < fields.length; i++) if (fields[i].checked) return fields[i].value;
      return null;
    }
    if (type === "multiple") {
      out = [];
      for (i = 0; i < fields.length; i++) if (fields[i].checked) out.push(fields[i].value);
      return out;
    }
    if (type === "matching") {
      out = {};
      for (i = 0; i < fields.length; i++) if (fields[i].value) out[fields[i].dataset.left] = fields[i].value;
      return out;
    }
    if (type === "ordering") {
      var positions = [];
      for (i = 0; i < fields.length; i++) {
        if (fields[i].value) positions.push([parseInt(fields[i].value, 10), fields[i].dataset.element]);
      }
      positions.sort(function (a, b) { return a[0] - b[0]; });
      return positions.map(function (p) { return p[1]; });
    }
    if (type === "cloze") {
      out = [];
      for (i = 0; i < fields.length; i++) out[parseInt(fields[i].dataset.blank, 10)] = fields[i].value;
      return out;
    }
    return fields.length ? fields[0].value : null;
  }

  function applyValue(li, value) {
    var type = li.dataset.type;
    var fields = li.querySelectorAll("[name^='answer-']");
    var i;
    for (i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (type === "single" || type === "truefalse") f.checked = f.value === value;
      else if (type === "multiple") f.checked = (value || []).indexOf(f.value) >= 0;
      else if (type === "matching") f.value = (value || {})[f.dataset.left] || "";
      else if (type === "ordering") {
        var at = (value || []).indexOf(f.dataset.element);
        f.value = at >= 0 ? String(at + 1) : "";
      } else if (type === "cloze") f.value = (value || [])[parseInt(f.dataset.blank, 10)] || "";
      else f.value = value || "";
    }
  }

  // --- saving ----------------------------------------------------------------------------------------------------
  function remember(li) {
    var id = li.dataset.item;
    var serverSeq = (state.saved[id] || {}).seq || 0;
    var previous = local[id] ? local[id].seq : 0;
    local[id] = { value: valueOf(li), seq: Math.max(previous, serverSeq) + 1, confirmed: false };
    writeLocal();
    return id;
  }
  function record(li) { send(remember(li)); }

  function send(id) {
    var entry = local[id];
    if (!entry || entry.confirmed || inFlight[id] === entry.seq) return;
    inFlight[id] = entry.seq;
    setStatus("Saving…", "saving");
    fetch(state.save_url.replace("__ITEM__", encodeURIComponent(id)), {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ value: entry.value, seq: entry.seq })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { ok: response.ok, status: response.status, body: body };
      });
    }).then(function (result) {
      delete inFlight[id];
      if (result.ok) {
        if (local[id] && local[id].seq <= result.body.seq) local[id].confirmed = true;
        state.saved[id] = { seq: result.body.seq };
        writeLocal();
        retryDelay = 1000;
        if (!pending().length) setStatus("All answers saved", "saved");
        else send(pending()[0]);
      } else if (result.status === 409 || result.status === 404) {
        setStatus(result.body.reason || "This quiz can no longer be changed.", "error");
        local[id].confirmed = true;            // refused for good: stop retrying, keep nothing pending
        writeLocal();
        if (result.status === 409) setTimeout(function () { window.location = state.review_url; }, 4000);
      } else {
        scheduleRetry(result.status === 401 || result.status === 403
          ? "Signed out — sign in again in another tab; answers are kept here" : null);
      }
    }).catch(function () {
      delete inFlight[id];
      scheduleRetry();
    });
  }

  function scheduleRetry(message) {
    setStatus(message || "Offline — will retry", "offline");
    if (retryTimer) return;
    retryTimer = setTimeout(function () {
      retryTimer = null;
      pending().forEach(send);
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  window.addEventListener("online", function () { retryDelay = 1000; pending().forEach(send); });

  form.addEventListener("change", function (event) {
    var li = event.target.closest("li[data-item]");
    if (li) record(li);
  });
  var typingTimers = {};
  form.addEventListener("input", function (event) {
    var li = event.target.closest("li[data-item]");
    if (!li || event.target.tagName === "SELECT") return;
    // keep every keystroke on this device at once; send after a short pause in typing
    var id = remember(li);
    clearTimeout(typingTimers[id]);
    typingTimers[id] = setTimeout(function () { send(id); }, 600);
  });

  // --- submit ----------------------------------------------------------------------------------------------------
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (submitting) return;
    if (!window.confirm("Submit your answers? You cannot change them afterwards.")) return;
    submitting = true;
    document.getElementById("submit-quiz").disabled = true;
    pending().forEach(send);
    waitForSaves(0);
  });

  function waitForSaves(tries) {
    if (pending().length && tries < 40) {
      if (tries % 10 === 9) pending().forEach(send);
      setTimeout(function () { waitForSaves(tries + 1); }, 250);
      return;
    }
    if (pending().length) {
      submitting = false;
      document.getElementById("submit-quiz").disabled = false;
      setStatus("Offline — your answers are kept on this device. Submit again when you are back online.", "offline");
      return;
    }
    fetch(state.submit_url, {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf }
    }).then(function (response) {
      if (!response.ok) throw new Error("submit failed");
      return response.json();
    }).then(function (body) {
      try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
      window.location = body.review;
    }).catch(function () {
      submitting = false;
      document.getElementById("submit-quiz").disabled = false;
      setStatus("Could not reach the server to submit — try again in a moment. Nothing is lost.", "offline");
    });
  }

  // --- time left -------------------------------------------------------------------------------------------------
  var timeEl = document.getElementById("time-left");
  var deadline = Date.parse(state.deadline);
  function tick() {
    var left = Math.floor((deadline - Date.now()) / 1000);
    if (left > 3 * 3600) { timeEl.textContent = ""; return; }
    if (left <= 0) { timeEl.textContent = "Time is up"; return; }
    var minutes = Math.floor(left / 60), seconds = left % 60;
    timeEl.textContent = "Time left " + minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    if (left === 300 || left === 60) setStatus(minutes + " minute" + (minutes === 1 ? "" : "s") + " left", "warning");
  }
  tick();
  setInterval(tick, 1000);

  // --- resume: answers typed here but never confirmed win over the server's older copy ---------------------------
  var lis = form.querySelectorAll("li[data-item]");
  for (var k = 0; k < lis.length; k++) {
    var id = lis[k].dataset.item;
    var mine = local[id];
    var server = state.saved[id];
    if (mine && !mine.confirmed && (!server || mine.seq > server.seq)) {
      applyValue(lis[k], mine.value);
      if (mine.seq <= ((server || {}).seq || 0)) mine.seq = server.seq + 1;
    } else if (mine && server && server.seq >= mine.seq) {
      delete local[id];
    }
  }
  writeLocal();
  if (pending().length) { setStatus("Sending answers saved on this device…", "saving"); pending().forEach(send); }
})();
