// Loaded (classic, before the app's module) so that a page whose code cannot be fetched (a
// network that changed mid-load, a server restarting) does not stay at "Loading" for good: it
// reloads by itself once, then offers a button. app.js uses the same once-only retry for a
// screen's code (window.moaBoot.retried()) and calls window.moaBoot.done() once a screen shows.
(function () {
  'use strict';
  var KEY = 'moa.bootRetry';
  function show() {
    var main = document.getElementById('main');
    main.innerHTML = '<div class="panel error-panel" id="boot-error">' +
      '<h1>모아를 불러오지 못했습니다 · Moa could not load</h1>' +
      '<p>네트워크 연결을 확인한 뒤 다시 시도하세요. Check your connection and try again.</p>' +
      '<p><button type="button" class="primary" id="boot-retry">다시 시도 · Try again</button></p></div>';
    document.getElementById('boot-retry').addEventListener('click', function () { location.reload(); });
  }
  // True when this page is already the one automatic retry (the flag is then cleared, so a later
  // failure retries again); false after arming the flag, when the caller should reload.
  function retried() {
    try {
      if (sessionStorage.getItem(KEY)) {
        sessionStorage.removeItem(KEY);
        return true;
      }
      sessionStorage.setItem(KEY, '1');
      return false;
    } catch (e) {
      return true; /* storage refused: no automatic retry */
    }
  }
  function done() {
    try { sessionStorage.removeItem(KEY); } catch (e) { /* storage refused */ }
  }
  function failed() {
    if (!retried()) {
      location.reload();
      return;
    }
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', show);
    else show();
  }
  window.moaBoot = { retried: retried, done: done };
  // A module script whose graph (it or any module it imports) fails to fetch fires "error" at
  // its element; element events pass the window in the capture phase.
  window.addEventListener('error', function (e) {
    var el = e.target;
    if (el && el.tagName === 'SCRIPT' && el.type === 'module') failed();
  }, true);
})();
