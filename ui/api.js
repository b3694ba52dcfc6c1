//! The one door to the core: every Tauri command goes through `call()`.
//! The command contract is docs/ui-commands.md. A rejection always becomes an
//! `ApiError` with a stable `code`, which the screens translate with
//! `error.<code>` from the language file.

/** Error codes meaning "there is no usable session any more": log in again. */
const SESSION_LOST_CODES = new Set(['session_locked', 'not_logged_in']);

/**
 * A command's refusal: `code` is stable (see the contract), `message` is the
 * core's English sentence, `field` (or null) names the input it is about
 * (e.g. `"email"`), so a form can point at it.
 */
export class ApiError extends Error {
  constructor(code, message, field = null) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.field = field;
  }
}

let sessionLostHandler = null;

/**
 * Registers the function called when any command rejects because the session
 * is gone (`session_locked`, `not_logged_in`). It runs before the rejection
 * reaches the caller, so the router can show the login screen whichever
 * screen made the call.
 */
export function onSessionLost(handler) {
  sessionLostHandler = handler;
}

/** Whether `err` means the session is gone and the user must log in again. */
export function isSessionLost(err) {
  return err instanceof ApiError && SESSION_LOST_CODES.has(err.code);
}

/** Calls `command` with `args` (camelCase keys); resolves with its result or throws an `ApiError`. */
export async function call(command, args = {}) {
  const core = window.__TAURI__ && window.__TAURI__.core;
  if (!core || typeof core.invoke !== 'function') {
    throw new ApiError('internal', 'The connection to the Steward core is missing (window.__TAURI__.core).');
  }
  try {
    return await core.invoke(command, args);
  } catch (raw) {
    const err = toApiError(raw);
    if (SESSION_LOST_CODES.has(err.code) && sessionLostHandler) sessionLostHandler(err);
    throw err;
  }
}

function toApiError(raw) {
  if (raw instanceof ApiError) return raw;
  if (typeof raw === 'string') return new ApiError('internal', raw);
  if (raw && typeof raw === 'object' && typeof raw.code === 'string') {
    return new ApiError(
      raw.code,
      typeof raw.message === 'string' ? raw.message : '',
      typeof raw.field === 'string' && raw.field !== '' ? raw.field : null,
    );
  }
  const message = raw && typeof raw.message === 'string' ? raw.message : String(raw);
  return new ApiError('internal', message);
}
