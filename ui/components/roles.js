//! The role ids of the command contract and their display names. Which role
//! may do what is decided by the core alone; this file only names them and
//! reads the list of allowed actions the core sends with the session.

import { t, has } from '../i18n.js';

/** Every role id, in the order the core lists them. */
export const ROLES = ['owner', 'manager', 'staff', 'marketing', 'auditor'];

/** The display name of a role id ("Owner"); an unknown id is shown as is. */
export function roleLabel(role) {
  const key = `role.${role}`;
  return has(key) ? t(key) : String(role);
}

/** `<option>` data for a role `<select>`. */
export function roleOptions() {
  return ROLES.map((value) => ({ value, label: roleLabel(value) }));
}

/**
 * Whether the core lists `action` among what this session's role may do
 * (`session.allowed`). Used only to leave out what cannot be used; the core
 * checks every call regardless.
 */
export function may(session, action) {
  return Array.isArray(session?.allowed) && session.allowed.includes(action);
}
