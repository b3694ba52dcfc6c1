//! Auto-lock on the UI side: watches for keyboard and pointer activity while
//! a session is open, tells the core about it (`touch`), and calls `onIdle`
//! when nobody has used Steward for the shop's auto-lock delay.
//!
//! The core keeps its own clock and refuses an idle session whatever the UI
//! does; this module only makes the lock visible on time and keeps the core's
//! clock in step with real activity. Touches are throttled (leading and
//! trailing edge) to at most one per 15 s, or one per half the delay when the
//! delay is shorter than 30 s, so the core never sees an active user as idle.

const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel'];
const MAX_TOUCH_INTERVAL_MS = 15_000;
const MIN_TOUCH_INTERVAL_MS = 1_000;

/**
 * `touch()` returns a promise (the `touch` command); its rejections are
 * ignored here because the api layer already routes lost sessions to the
 * login screen. `onIdle(seconds)` is called once when the delay has passed.
 */
export function createAutolock({ touch, onIdle }) {
  let running = false;
  let limitMs = 0;
  let lastActivity = 0;
  let lastTouch = 0;
  let idleTimer = null;
  let touchTimer = null;

  const listenerOptions = { capture: true, passive: true };

  function touchInterval() {
    return Math.max(MIN_TOUCH_INTERVAL_MS, Math.min(MAX_TOUCH_INTERVAL_MS, Math.floor(limitMs / 2)));
  }

  function sendTouch() {
    touchTimer = null;
    if (!running) return;
    lastTouch = Date.now();
    touch().catch(() => {});
  }

  function onActivity() {
    if (!running) return;
    lastActivity = Date.now();
    if (touchTimer !== null) return; // a trailing touch is already planned
    const wait = lastTouch + touchInterval() - lastActivity;
    if (wait <= 0) {
      sendTouch();
    } else {
      touchTimer = setTimeout(sendTouch, wait);
    }
  }

  function checkIdle() {
    idleTimer = null;
    if (!running) return;
    const idle = Date.now() - lastActivity;
    if (idle >= limitMs) {
      const seconds = Math.round(limitMs / 1000);
      stop();
      onIdle(seconds);
    } else {
      idleTimer = setTimeout(checkIdle, limitMs - idle);
    }
  }

  function onVisibility() {
    // Timers may have been paused while the window was hidden or the
    // computer slept; check against the wall clock at once.
    if (document.visibilityState === 'visible' && running) {
      clearTimeout(idleTimer);
      checkIdle();
    }
  }

  /** Starts watching with a delay of `seconds`; the login itself counts as activity. */
  function start(seconds) {
    stop();
    running = true;
    limitMs = seconds * 1000;
    lastActivity = Date.now();
    lastTouch = lastActivity;
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, onActivity, listenerOptions);
    document.addEventListener('visibilitychange', onVisibility);
    idleTimer = setTimeout(checkIdle, limitMs);
  }

  /** Changes the delay of a running watch (after the owner saved a new one). */
  function setDelay(seconds) {
    if (!running) return;
    limitMs = seconds * 1000;
    clearTimeout(idleTimer);
    checkIdle();
  }

  /** Stops watching (lock, logout, lost session). */
  function stop() {
    running = false;
    clearTimeout(idleTimer);
    clearTimeout(touchTimer);
    idleTimer = null;
    touchTimer = null;
    for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, onActivity, listenerOptions);
    document.removeEventListener('visibilitychange', onVisibility);
  }

  return { start, setDelay, stop };
}
