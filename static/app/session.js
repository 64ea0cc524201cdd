/* The session notice: RESCUE_WARN_SECONDS before the idle limit (ACCOUNTS_SESSION_IDLE_SECONDS) a
 * notice offers 继续编辑, which renews the session with a POST (rescue.views.session_renew). Pages
 * opened in other tabs renew the session too: the last request time is shared through localStorage.
 * The server refreshes its stored last request time at most once per ACCOUNTS_SESSION_TOUCH_SECONDS and
 * the idle limit counts from that time: the page says how long ago it was (data-seen-ago, seconds) and
 * the countdown starts there, not at the page load.
 * Once the limit has passed the notice says the input is not lost (rescue keeps a posted form).
 * 退出 also forgets the user's unsaved copies kept by drafts.js. */
(function () {
  "use strict";

  var notice = document.getElementById("session-notice");
  if (!notice) { return; }
  var form = document.getElementById("session-renew-form");
  var text = document.getElementById("session-notice-text");
  var renew = document.getElementById("session-renew");
  var login = document.getElementById("session-login");
  var idle = parseInt(notice.dataset.idleSeconds, 10) * 1000;
  var warn = parseInt(notice.dataset.warnSeconds, 10) * 1000;
  var KEY = "evalsite-session-seen";
  var ended = false;

  function shared() {
    try { return parseInt(window.localStorage.getItem(KEY), 10) || 0; } catch (e) { return 0; }
  }

  var seen = 0;
  function stamp(at) {
    seen = at;
    // Never move the shared time back: another tab may have renewed after this page was answered.
    try { window.localStorage.setItem(KEY, String(Math.max(seen, shared()))); } catch (e) { /* private mode: this tab only */ }
  }

  function clock(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function showEnded() {
    ended = true;
    notice.hidden = false;
    text.textContent = text.dataset.ended;
    renew.hidden = true;
    login.hidden = false;
  }

  function tick() {
    if (ended) { return; }
    var last = Math.max(seen, shared());
    var left = last + idle - Date.now();
    if (left <= 0) { showEnded(); return; }
    if (left <= warn) {
      notice.hidden = false;
      text.textContent = text.dataset.warn.replace("{time}", clock(left));
    } else {
      notice.hidden = true;
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    renew.disabled = true;
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"Accept": "application/json"}, redirect: "manual"
    }).then(function (response) {
      renew.disabled = false;
      if (response.ok) {
        stamp(Date.now());  // session_renew always stores the time of the renewal
        notice.hidden = true;
      } else {
        showEnded();  // 401, or a redirect to the login page: the session is gone
      }
    }).catch(function () {
      renew.disabled = false;
      text.textContent = text.dataset.failed;
    });
  });

  // Signing out on purpose forgets this user's unsaved copies in this browser (static/app/drafts.js).
  var logout = document.getElementById("logout-form");
  if (logout) {
    logout.addEventListener("submit", function () {
      var mine = "evalsite-draft:" + notice.dataset.user + ":";
      try {
        var doomed = [];
        for (var i = 0; i < window.localStorage.length; i++) {
          var key = window.localStorage.key(i);
          if (key && key.indexOf(mine) === 0) { doomed.push(key); }
        }
        doomed.forEach(function (key) { window.localStorage.removeItem(key); });
      } catch (e) { /* no storage: nothing kept */ }
    });
  }

  stamp(Date.now() - (parseFloat(notice.dataset.seenAgo) || 0) * 1000);
  window.setInterval(tick, 1000);
})();
