//! The one door to the core: every Tauri command goes through `call()`.
//! The command contract is docs/ui-commands.md. A rejection always becomes an
//! `ApiError` with a stable `code`, which the screens translate with
//! `error.<code>` from the language file.

/**
 * A command's refusal: `code` is stable (see the contract), `kind` is the
 * core's classification (`session_lost`, `not_permitted`, `credentials`,
 * `vault_unavailable`, `invalid_input`, `other`), `message` is the core's
 * English sentence, `field` (or null) names the input it is about (e.g.
 * `"email"`), so a form can point at it.
 */
export class ApiError extends Error {
  constructor(code, message, field = null, kind = 'other') {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.kind = kind;
    this.field = field;
  }
}

let sessionLostHandler = null;

/**
 * Registers the function called when any command rejects because the session
 * is gone (the core's kind `session_lost`). It runs before the rejection
 * reaches the caller, so the router can show the login screen whichever
 * screen made the call.
 */
export function onSessionLost(handler) {
  sessionLostHandler = handler;
}

/** Whether `err` means the session is gone and the user must log in again. */
export function isSessionLost(err) {
  return err instanceof ApiError && err.kind === 'session_lost';
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
    if (isSessionLost(err) && sessionLostHandler) sessionLostHandler(err);
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
      typeof raw.kind === 'string' ? raw.kind : 'other',
    );
  }
  const message = raw && typeof raw.message === 'string' ? raw.message : String(raw);
  return new ApiError('internal', message);
}
