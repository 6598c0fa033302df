// Quiz autosave: every change is kept in localStorage at once, then sent to the server (idempotent PUT with a
// sequence number per item). Unconfirmed answers are retried with backoff until the server confirms them, across
// reloads and lost connections. Submitting first flushes every pending answer.
//
// On every quiz page (and the teacher's preview, which saves nothing): the count of questions answered, a warning
// listing the unanswered ones before submitting, and the documents beside the questions (a tab per document; on a
// phone, a tab between the questions and the documents).
(function () {
  "use strict";
  var form = document.getElementById("quiz");
  if (!form) return;
  var stateEl = document.getElementById("quiz-state");
  var countEl = document.getElementById("answered-count");
  var warningEl = document.getElementById("unanswered-warning");
  var questionsTab = document.getElementById("tab-questions");
  var allItems = form.querySelectorAll("li[data-item]");
  setUpDocuments();
  form.addEventListener("input", showCount);
  form.addEventListener("change", showCount);
  showCount();
  if (!stateEl) {                   // the teacher's preview: no attempt to save to; the form posts as it is
    showChosenMatches();
    form.addEventListener("submit", function (event) {
      if (warnedAbout(event, function () { form.submit(); })) return;
    });
    return;
  }
  var state = JSON.parse(stateEl.textContent);
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
    if (warnedAbout(event, submitNow)) return;
    if (!window.confirm("Submit your answers? You cannot change them afterwards.")) return;
    submitNow();
  });

  function submitNow() {
    if (submitting) return;
    submitting = true;
    document.getElementById("submit-quiz").disabled = true;
    pending().forEach(send);
    waitForSaves(0);
  }

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
  for (var k = 0; k < allItems.length; k++) {
    var id = allItems[k].dataset.item;
    var mine = local[id];
    var server = state.saved[id];
    if (mine && !mine.confirmed && (!server || mine.seq > server.seq)) {
      applyValue(allItems[k], mine.value);
      if (mine.seq <= ((server || {}).seq || 0)) mine.seq = server.seq + 1;
    } else if (mine && server && server.seq >= mine.seq) {
      delete local[id];
    }
  }
  writeLocal();
  showChosenMatches();              // after the resume, so that each shows the choice put back
  showCount();
  if (pending().length) { setStatus("Sending answers saved on this device…", "saving"); pending().forEach(send); }
  // --- answered count and the warning about unanswered questions ---------------------------------------------------
  function isAnswered(li) {
    var value = valueOf(li);
    if (value === null || value === undefined) return false;
    if (typeof value === "string") return value.trim() !== "";
    if (Array.isArray(value)) {
      return value.some(function (v) { return typeof v === "string" ? v.trim() !== "" : v !== null && v !== undefined; });
    }
    return Object.keys(value).length > 0;
  }
  function numberOf(li) {
    var label = li.querySelector(".number");
    var found = label ? /\d+/.exec(label.textContent) : null;
    return found ? found[0] : String(Array.prototype.indexOf.call(allItems, li) + 1);
  }
  function unanswered() {
    return Array.prototype.filter.call(allItems, function (li) { return !isAnswered(li); });
  }
  function showCount() {
    var missing = unanswered().length;
    var done = allItems.length - missing;
    if (countEl) countEl.textContent = done + " of " + allItems.length + " answered";
    if (questionsTab) questionsTab.textContent = "Questions (" + done + " of " + allItems.length + ")";
    if (warningEl && !warningEl.hidden && !missing) warningEl.hidden = true;
  }
  // True when the submit was stopped to list the unanswered questions; "Submit anyway" then calls proceed().
  function warnedAbout(event, proceed) {
    var missing = unanswered();
    if (!missing.length || !warningEl) return false;
    event.preventDefault();
    var numbers = missing.map(numberOf);
    warningEl.textContent = "";
    var heading = document.createElement("p");
    heading.innerHTML = "<strong></strong>";
    heading.firstChild.textContent = missing.length === 1
      ? "Question " + numbers[0] + " has no answer yet."
      : missing.length + " questions have no answer yet: " + listed(numbers) + ".";
    warningEl.appendChild(heading);
    var links = document.createElement("p");
    links.className = "unanswered-links";
    missing.forEach(function (li, i) {
      var link = document.createElement("a");
      link.href = "#prompt-" + li.dataset.item;
      link.textContent = "Go to question " + numbers[i];
      link.addEventListener("click", function (clicked) {
        clicked.preventDefault();
        showPanel("questions");
        li.scrollIntoView({ block: "start" });
        var control = li.querySelector("input, select, textarea");
        if (control) control.focus({ preventScroll: true });
      });
      links.appendChild(link);
    });
    warningEl.appendChild(links);
    var anyway = document.createElement("button");
    anyway.type = "button";
    anyway.className = "secondary";
    anyway.id = "submit-anyway";
    anyway.textContent = "Submit anyway";
    anyway.addEventListener("click", function () { warningEl.hidden = true; proceed(); });
    warningEl.appendChild(anyway);
    warningEl.hidden = false;
    warningEl.scrollIntoView({ block: "center" });
    return true;
  }
  function listed(numbers) {
    return numbers.length < 2 ? numbers.join("") : numbers.slice(0, -1).join(", ") + " and " + numbers[numbers.length - 1];
  }

  // --- matching on a phone: a select shows only the start of a long choice, so the whole choice is written under it
  function showChosenMatches() {
    var selects = form.querySelectorAll("li[data-type=matching] select");
    Array.prototype.forEach.call(selects, function (select) {
      var echo = document.createElement("span");
      echo.className = "match-chosen";
      echo.setAttribute("aria-hidden", "true");         // the select itself tells a screen reader what is chosen
      select.parentNode.insertBefore(echo, select.nextSibling);
      function show() { echo.textContent = select.value ? select.options[select.selectedIndex].text : ""; }
      select.addEventListener("change", show);
      show();
    });
  }

  // --- documents: a tab per document; on a phone, a tab between the questions and the documents ------------------
  function setUpDocuments() {
    var panel = document.getElementById("documents-panel");
    if (!panel) return;
    var tabs = panel.querySelectorAll(".doc-tabs [role=tab]");
    var tabList = panel.querySelector(".doc-tabs");
    function choose(tab, focus) {
      selectTab(tabs, tab);
      for (var i = 0; i < tabs.length; i++) {
        document.getElementById(tabs[i].getAttribute("aria-controls")).hidden = tabs[i] !== tab;
      }
      if (focus) tab.focus();
    }
    if (tabs.length > 1) {
      tabList.hidden = false;
      for (var i = 0; i < tabs.length; i++) {
        tabs[i].addEventListener("click", function (event) { choose(event.currentTarget, false); });
        tabs[i].addEventListener("keydown", arrowKeys(tabs, choose));
      }
      choose(tabs[0], false);
    }
    var switcher = document.querySelector(".quiz-tabs");
    if (!switcher) return;
    switcher.hidden = false;
    document.querySelector(".quiz-layout").classList.add("tabbed");
    var both = switcher.querySelectorAll("[role=tab]");
    for (var k = 0; k < both.length; k++) {
      both[k].addEventListener("click", function (event) {
        showPanel(event.currentTarget.id === "tab-documents" ? "documents" : "questions");
      });
      both[k].addEventListener("keydown", arrowKeys(both, function (tab) {
        showPanel(tab.id === "tab-documents" ? "documents" : "questions");
        tab.focus();
      }));
    }
    showPanel("questions");
  }
  function arrowKeys(tabs, choose) {
    return function (event) {
      var at = Array.prototype.indexOf.call(tabs, event.currentTarget);
      if (event.key === "ArrowRight") at = (at + 1) % tabs.length;
      else if (event.key === "ArrowLeft") at = (at - 1 + tabs.length) % tabs.length;
      else return;
      event.preventDefault();
      choose(tabs[at], true);
    };
  }
  function showPanel(which) {
    var layout = document.querySelector(".quiz-layout.tabbed");
    if (!layout) return;
    layout.classList.toggle("showing-documents", which === "documents");
    var documents = document.getElementById("tab-documents");
    selectTab([questionsTab, documents], which === "documents" ? documents : questionsTab);
  }
  // Marks one tab of a tab list as the selected one, the only one reached with Tab (arrow keys move between them).
  function selectTab(tabs, tab) {
    for (var i = 0; i < tabs.length; i++) {
      tabs[i].setAttribute("aria-selected", tabs[i] === tab ? "true" : "false");
      tabs[i].tabIndex = tabs[i] === tab ? 0 : -1;
    }
  }
})();
