/* The phone page of the hall quiz. ES5 on purpose (old Android browsers, Zalo's in-app
   browser): var, function, XMLHttpRequest. Every text is set with textContent. */
(function () {
  "use strict";
  var S = JSON.parse(document.getElementById("strings").textContent);
  var view = null;          // the last view from the server
  var version = -1;
  var picked = {};          // question id -> {option index: true} while choosing (multi)
  var sending = null;       // question id being sent
  var source = null;        // the EventSource, when the browser has one
  var streamErrors = 0;
  var polling = false;

  function $(id) { return document.getElementById(id); }
  function text(id, value) { $(id).textContent = value || ""; }
  function show(id, visible) {
    var el = $(id);
    el.className = el.className.replace(/\s*hidden/g, "") + (visible ? "" : " hidden");
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return values.hasOwnProperty(key) ? String(values[key]) : all;
    });
  }
  function only(section) {
    var all = ["join", "wait", "question", "finished"];
    for (var i = 0; i < all.length; i++) { show(all[i], all[i] === section); }
  }
  function letter(i) { return "ABCDEF".charAt(i) + ". "; }

  function request(method, url, body, done, timeout) {
    var x = new XMLHttpRequest();
    x.open(method, url, true);
    if (timeout) { x.timeout = timeout; }
    if (body) { x.setRequestHeader("Content-Type", "application/json"); }
    x.onreadystatechange = function () {
      if (x.readyState !== 4) { return; }
      var data = null;
      try { data = JSON.parse(x.responseText); } catch (e) { data = null; }
      done(x.status, data);
    };
    x.send(body ? JSON.stringify(body) : null);
  }

  // --- joining ------------------------------------------------------------------
  function roomFromAddress() {
    var match = /[?&]room=([0-9]{4,8})/.exec(window.location.search);
    return match ? match[1] : "";
  }

  function showJoin() {
    only("join");
    text("status", "");
    if (!$("room").value) { $("room").value = roomFromAddress(); }
  }

  function joined(status, data) {
    $("join-button").disabled = false;
    if (status === 200 && data && data.view) {
      text("join-error", "");
      render(data.view);
      listen();
    } else {
      text("join-error", (data && data.message) || S.try_again);
    }
  }

  function join(profileId) {
    var body = { room_code: $("room").value, name: $("name").value };
    if (profileId) { body.profile_id = profileId; }
    $("join-button").disabled = true;
    request("POST", "/join", body, joined);
  }

  function showNames(status, data) {
    var box = $("names");
    box.textContent = "";
    if (status !== 200 || !data) {
      text("join-error", (data && data.message) || S.try_again);
      return;
    }
    text("join-error", "");
    if (!data.names.length) {
      var none = document.createElement("p");
      none.textContent = S.no_names;
      box.appendChild(none);
    }
    for (var i = 0; i < data.names.length; i++) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "plain";
      button.textContent = data.names[i].name;
      button.onclick = (function (id) { return function () { join(id); }; })(data.names[i].id);
      box.appendChild(button);
    }
  }

  // --- showing the game -----------------------------------------------------------
  function scoreLine(v) {
    return fill(S.your_points, { points: v.total_text }) + " · " +
      fill(S.place, { rank: v.rank, players: v.players });
  }

  function render(v, force) {
    if (!v || !v.joined) { view = null; showJoin(); return; }
    if (!force && view && v.version === view.version) { return; }  // seen: keep the buttons
    var moved = !view || view.phase !== v.phase || view.question_index !== v.question_index;
    view = v;
    if (moved) { window.scrollTo(0, 0); }  // a new step starts at the top of the screen
    version = v.version;
    text("status", "");
    if (v.phase === "lobby") {
      only("wait");
      text("hello", fill(S.hello, { name: v.name }));
      text("wait-text", S.waiting);
      text("wait-score", S.keep_open);
    } else if (v.phase === "finished") {
      only("finished");
      text("finished-text", S.finished);
      text("final-score", scoreLine(v));
    } else {
      only("question");
      renderQuestion(v);
    }
  }

  function renderQuestion(v) {
    var q = v.question, revealed = v.phase === "revealed";
    var mine = v.answer ? v.answer.choices : null;
    var choosing = picked[q.id] || {};
    text("q-number", fill(S.question_of, { n: v.question_index + 1, total: v.question_count }));
    text("q-text", q.text);
    text("q-hint", revealed || mine ? "" : (q.multi ? S.tap_many : S.tap_one));
    var box = $("options");
    box.textContent = "";
    for (var i = 0; i < q.options.length; i++) {
      var button = document.createElement("button");
      var mark = document.createElement("span");
      mark.className = "letter";
      mark.textContent = letter(i);
      button.type = "button";
      button.appendChild(mark);
      button.appendChild(document.createTextNode(q.options[i]));
      var chosen = mine ? mine.indexOf(i) >= 0 : !!choosing[i];
      var cls = "option";
      if (revealed) {
        if (v.correct.indexOf(i) >= 0) { cls += " right"; }
        else if (chosen) { cls += " wrong"; }
        else { cls += " faded"; }
      } else if (chosen) { cls += " picked"; }
      button.className = cls;
      button.disabled = revealed || !!mine || sending === q.id;
      button.onclick = (function (index) { return function () { tap(index); }; })(i);
      box.appendChild(button);
    }
    show("send", q.multi && !mine && !revealed);
    $("send").disabled = sending === q.id;
    var status = $("q-status");
    if (mine && !revealed) {
      status.textContent = "✓ " + S.recorded;
      status.className = "notice good";
      text("q-hint", S.wait_reveal);
    } else if (sending === q.id && !revealed) {
      status.textContent = S.sending;
      status.className = "notice";
    } else if (status.getAttribute("data-message") !== q.id) {
      status.textContent = "";
      status.className = "notice hidden";
    }
    status.removeAttribute("data-message");
    show("reveal", revealed);
    text("next-line", revealed ? S.next_soon : "");
    if (revealed) {
      status.className = "notice hidden";
      var verdict = $("verdict");
      verdict.textContent = v.right === true ? S.right : (v.right === false ? S.wrong : S.no_answer);
      verdict.className = "verdict " + (v.right === true ? "good" : (v.right === false ? "bad" : "none"));
      var right = [];
      for (var c = 0; c < v.correct.length; c++) {
        right.push(letter(v.correct[c]) + q.options[v.correct[c]]);
      }
      text("correct-line", S.correct_is + " " + right.join("; "));
      text("explanation-title", v.explanation ? S.explanation : "");
      text("explanation", v.explanation);
      text("score-line", scoreLine(v));
    }
  }

  function say(questionId, message) {  // a message from the server stays until the next view
    var status = $("q-status");
    status.textContent = message;
    status.className = "notice";
    status.setAttribute("data-message", questionId);
  }

  // --- answering --------------------------------------------------------------------
  function tap(index) {
    var q = view && view.question;
    if (!q || view.answer || view.phase !== "open" || sending) { return; }
    if (!q.multi) { send(q.id, [index]); return; }
    var choosing = picked[q.id] || (picked[q.id] = {});
    if (choosing[index]) { delete choosing[index]; } else { choosing[index] = true; }
    renderQuestion(view);
  }

  function sendPicked() {
    var q = view && view.question;
    if (!q) { return; }
    var choices = [];
    for (var key in picked[q.id] || {}) {
      if (picked[q.id].hasOwnProperty(key)) { choices.push(parseInt(key, 10)); }
    }
    if (!choices.length) { say(q.id, S.tap_many); renderQuestion(view); return; }
    send(q.id, choices);
  }

  function send(questionId, choices, tries) {
    sending = questionId;
    renderQuestion(view);
    request("POST", "/answer", { question_id: questionId, choices: choices }, function (status, data) {
      if (status === 0 && (tries || 0) < 20) {  // no network: the same answer again, it is idempotent
        text("status", S.lost);
        window.setTimeout(function () { send(questionId, choices, (tries || 0) + 1); }, 2000);
        return;
      }
      sending = null;
      if (status !== 200) { say(questionId, (data && data.message) || S.try_again); }
      if (data && data.view) { render(data.view, true); } else if (view) { render(view, true); }
      window.scrollTo(0, 0);  // the confirmation is at the top, under the question
    });
  }

  // --- staying up to date: Server-Sent Events, else long polling ----------------------
  function listen() {
    if (window.EventSource && !polling) {
      if (source) { return; }
      source = new window.EventSource("/events");
      source.onmessage = function (e) {
        streamErrors = 0;
        var v = null;
        try { v = JSON.parse(e.data); } catch (err) { return; }
        if (!v.joined) { source.close(); source = null; }
        render(v);
      };
      source.onerror = function () {
        streamErrors += 1;
        text("status", S.lost);
        if (streamErrors > 4) {  // the stream keeps failing here: ask instead
          source.close();
          source = null;
          polling = true;
          poll();
        }
      };
    } else {
      polling = true;
      poll();
    }
  }

  function poll() {
    request("GET", "/state?since=" + version, null, function (status, data) {
      if (status === 200 && data && !data.joined) { render(null); polling = false; return; }
      if (status === 200 && data) {
        render(data);
        window.setTimeout(poll, 50);
      } else {
        text("status", S.lost);
        window.setTimeout(poll, 3000);
      }
    }, 30000);
  }

  function start() {
    document.title = S.title;
    text("join-title", S.title);
    text("room-label", S.room_code);
    text("name-label", S.your_name);
    text("join-button", S.join);
    text("pick-label", S.or_pick);
    text("show-list", S.show_list);
    text("send", S.send);
    text("status", S.connecting);
    $("join-button").onclick = function () { join(null); };
    $("name").onkeydown = function (e) { if (e.keyCode === 13) { join(null); } };
    $("send").onclick = sendPicked;
    $("show-list").onclick = function () {
      request("POST", "/roster", { room_code: $("room").value }, showNames);
    };
    request("GET", "/state?since=-1", null, function (status, data) {
      if (status === 200 && data && data.joined) { render(data); listen(); }
      else { showJoin(); }
    });
  }

  start();
})();
